import Foundation
import SweepCore

/// The end of a command sweep's artifacts: with policy `best`, only the best trial's
/// `artifacts/trial-T-fold-F/` directories stay (the others were fetched in case they won); the
/// content-addressed `.blobs/` goes (the task directories hold links to the same files).
enum ArtifactFinish {
    static func keep(bestTrial: Int?, spec: Spec, directory: String, database: RunDatabase) throws {
        guard let command = spec.trainer.command, command.artifacts != .none else { return }
        let root = URL(fileURLWithPath: directory).appendingPathComponent("artifacts")
        guard FileManager.default.fileExists(atPath: root.path) else { return }
        if command.artifacts == .best, let bestTrial {
            let keep = "trial-\(bestTrial)-fold-"
            for name in try FileManager.default.contentsOfDirectory(atPath: root.path)
            where name.hasPrefix("trial-") && !name.hasPrefix(keep) {
                try FileManager.default.removeItem(at: root.appendingPathComponent(name))
            }
            try database.dropArtifacts(exceptTrial: bestTrial)
        }
        try? FileManager.default.removeItem(at: root.appendingPathComponent(".blobs"))
    }
}
