import Foundation
import GRDB
import SweepCore
import SweepReport

/// optuna's tables, as SQLAlchemy creates them on SQLite for optuna 5.1 (`models.py`; checked
/// against `sqlite_master` of a storage that optuna made), and the rows of one study.
extension OptunaStorage {
    static let schema = """
        CREATE TABLE studies (study_id INTEGER NOT NULL, study_name VARCHAR(512) NOT NULL, PRIMARY KEY (study_id));
        CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
        CREATE TABLE version_info (version_info_id INTEGER NOT NULL, schema_version INTEGER,
            library_version VARCHAR(256), PRIMARY KEY (version_info_id), CHECK (version_info_id=1));
        CREATE TABLE study_directions (study_direction_id INTEGER NOT NULL, direction VARCHAR(8) NOT NULL,
            study_id INTEGER NOT NULL, objective INTEGER NOT NULL, PRIMARY KEY (study_direction_id),
            UNIQUE (study_id, objective), FOREIGN KEY(study_id) REFERENCES studies (study_id));
        CREATE TABLE study_user_attributes (study_user_attribute_id INTEGER NOT NULL, study_id INTEGER,
            "key" VARCHAR(512), value_json TEXT, PRIMARY KEY (study_user_attribute_id), UNIQUE (study_id, "key"),
            FOREIGN KEY(study_id) REFERENCES studies (study_id));
        CREATE TABLE study_system_attributes (study_system_attribute_id INTEGER NOT NULL, study_id INTEGER,
            "key" VARCHAR(512), value_json TEXT, PRIMARY KEY (study_system_attribute_id), UNIQUE (study_id, "key"),
            FOREIGN KEY(study_id) REFERENCES studies (study_id));
        CREATE TABLE trials (trial_id INTEGER NOT NULL, number INTEGER, study_id INTEGER, state VARCHAR(8) NOT NULL,
            datetime_start DATETIME, datetime_complete DATETIME, PRIMARY KEY (trial_id),
            FOREIGN KEY(study_id) REFERENCES studies (study_id));
        CREATE INDEX ix_trials_study_id ON trials (study_id);
        CREATE TABLE trial_user_attributes (trial_user_attribute_id INTEGER NOT NULL, trial_id INTEGER,
            "key" VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_user_attribute_id), UNIQUE (trial_id, "key"),
            FOREIGN KEY(trial_id) REFERENCES trials (trial_id));
        CREATE TABLE trial_system_attributes (trial_system_attribute_id INTEGER NOT NULL, trial_id INTEGER,
            "key" VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_system_attribute_id), UNIQUE (trial_id, "key"),
            FOREIGN KEY(trial_id) REFERENCES trials (trial_id));
        CREATE TABLE trial_params (param_id INTEGER NOT NULL, trial_id INTEGER, param_name VARCHAR(512),
            param_value FLOAT, distribution_json TEXT, PRIMARY KEY (param_id), UNIQUE (trial_id, param_name),
            FOREIGN KEY(trial_id) REFERENCES trials (trial_id));
        CREATE TABLE trial_values (trial_value_id INTEGER NOT NULL, trial_id INTEGER NOT NULL, objective INTEGER NOT NULL,
            value FLOAT, value_type VARCHAR(7) NOT NULL, PRIMARY KEY (trial_value_id), UNIQUE (trial_id, objective),
            FOREIGN KEY(trial_id) REFERENCES trials (trial_id));
        CREATE TABLE trial_intermediate_values (trial_intermediate_value_id INTEGER NOT NULL, trial_id INTEGER NOT NULL,
            step INTEGER NOT NULL, intermediate_value FLOAT, intermediate_value_type VARCHAR(7) NOT NULL,
            PRIMARY KEY (trial_intermediate_value_id), UNIQUE (trial_id, step),
            FOREIGN KEY(trial_id) REFERENCES trials (trial_id));
        CREATE TABLE trial_heartbeats (trial_heartbeat_id INTEGER NOT NULL, trial_id INTEGER NOT NULL,
            heartbeat DATETIME NOT NULL, PRIMARY KEY (trial_heartbeat_id), UNIQUE (trial_id),
            FOREIGN KEY(trial_id) REFERENCES trials (trial_id));
        CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,
            CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
        """

    /// The study's rows. Trial numbers are the sweep's (optuna numbers a study's trials from 0 in
    /// order, as a sweep does).
    static func insert(_ study: OptunaStudy, name: String, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO studies (study_name) VALUES (?)", arguments: [name])
        let studyID = db.lastInsertedRowID
        for (objective, goal) in study.directions.enumerated() {
            try db.execute(
                sql: "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
                arguments: [goal == .maximize ? "MAXIMIZE" : "MINIMIZE", studyID, objective])
        }
        for (key, json) in study.userAttributes {
            try db.execute(
                sql: "INSERT INTO study_user_attributes (study_id, key, value_json) VALUES (?, ?, ?)",
                arguments: [studyID, key, json])
        }
        try db.execute(
            sql: "INSERT INTO study_system_attributes (study_id, key, value_json) VALUES (?, 'study:metric_names', ?)",
            arguments: [studyID, "[" + study.metricNames.map(jsonQuoted).joined(separator: ", ") + "]"])
        for trial in study.trials { try insert(trial, studyID: studyID, db) }
    }

    private static func insert(_ trial: OptunaStudy.Trial, studyID: Int64, _ db: Database) throws {
        try db.execute(
            sql:
                "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                trial.number, studyID, trial.state.rawValue, trial.start.map(datetime), trial.complete.map(datetime),
            ])
        let trialID = db.lastInsertedRowID
        for param in trial.params {
            try db.execute(
                sql:
                    "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)",
                arguments: [trialID, param.name, param.internalValue, param.distributionJSON])
        }
        for (objective, value) in trial.values.enumerated() {
            let (stored, type) = typed(value)
            try db.execute(
                sql: "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)",
                arguments: [trialID, objective, stored, type])
        }
        for (step, value) in trial.intermediate {
            let (stored, type) = value.isNaN ? (nil, "NAN") : typed(value)
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (?, ?, ?, ?)",
                arguments: [trialID, step, stored, type])
        }
        for (key, json) in trial.userAttributes {
            try db.execute(
                sql: "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (?, ?, ?)",
                arguments: [trialID, key, json])
        }
        for (key, json) in trial.systemAttributes {
            try db.execute(
                sql: "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES (?, ?, ?)",
                arguments: [trialID, key, json])
        }
    }

    /// optuna keeps infinities as a type with no value (`TrialValueModel.value_to_stored_repr`).
    private static func typed(_ value: Double) -> (Double?, String) {
        if value == .infinity { return (nil, "INF_POS") }
        if value == -.infinity { return (nil, "INF_NEG") }
        return (value, "FINITE")
    }

    /// Naive UTC with microseconds, as SQLAlchemy stores a DateTime on SQLite.
    static func datetime(_ seconds: Double) -> String {
        let whole = floor(seconds)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        var time = time_t(whole)
        if micros >= 1_000_000 {
            micros -= 1_000_000
            time += 1
        }
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }
}
