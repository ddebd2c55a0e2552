import ArgumentParser
import SweepCore
import SweepML
import SweepReport
import SweepRuntime

/// The one place where errors become what the user sees and the exit status: 2 for input the
/// user can fix (spec, run directory, key files, options), 1 when the sweep could not start or
/// ended without a best trial. Usage errors are swift-argument-parser's (exit 64).
enum ExitStatus {
    /// The message to print on stderr (nil: already said) and the status, or nil when the
    /// error is not ours (usage errors, `ExitCode`): swift-argument-parser handles those.
    static func of(_ error: Error) -> (message: String?, status: Int32)? {
        switch error {
        case let error as SweepError:
            let status: Int32 = error.code == .invalidInput ? 2 : 1
            return (error.message.isEmpty ? nil : "error: \(error.message)", status)
        case let error as SpecError:
            return (error.description, 2)
        case let error as SpecFileError:
            return (error.description, 2)
        case let error as RunDatabaseError:
            return ("error: \(error)", 2)
        case let error as RunDirectoryError:
            return ("error: \(error)", 1)
        case let error as KeyError:
            return ("error: \(error)", 2)
        case let error as PredictError:
            return ("error: \(error)", 2)
        case let error as ExportError:
            return ("error: \(error)", 2)
        default:
            return nil
        }
    }
}
