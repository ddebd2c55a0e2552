import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `--promote-to`: where a server reads its model. Checked before the sweep runs (a directory or
/// a device would only fail after it), and written so a reader sees the old model or the new one,
/// never half of one; through a link, the file it points to is replaced, keeping its mode and owner.
enum RetrainPromotion {
    /// Refuses a destination that is a directory or not a regular file, or whose directory is missing.
    static func check(_ path: String) throws {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw RetrainPlan.invalid(
                    "--promote-to \(path) is a directory: give the path of the model file itself (e.g. \((path as NSString).appendingPathComponent("model.json")))"
                )
            }
            let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType
            guard type == .typeRegular else {
                throw RetrainPlan.invalid(
                    "--promote-to \(path) is not a regular file: give the path of the model file a server reads")
            }
        }
        let parent = URL(fileURLWithPath: resolved).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RetrainPlan.invalid("--promote-to \(path): its directory \(parent) does not exist")
        }
    }

    /// Copies `bytes` over `path` (its link target, if a link): a temporary file beside it with
    /// the replaced file's mode and owner, renamed over it. Returns the path written.
    static func copy(_ bytes: Data, to path: String) throws -> String {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let manager = FileManager.default
        let existing = try? manager.attributesOfItem(atPath: target)
        let name = (target as NSString).lastPathComponent
        let temporary = ((target as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(".\(name).sweep-\(getpid())")
        var attributes: [FileAttributeKey: Any] = [:]
        if let mode = existing?[.posixPermissions] { attributes[.posixPermissions] = mode }
        guard manager.createFile(atPath: temporary, contents: bytes, attributes: attributes) else {
            throw PromotionError(
                description: "cannot write \(temporary) beside it (\(String(cString: strerror(errno))))")
        }
        if let owner = (existing?[.ownerAccountID] as? NSNumber)?.uint32Value,
            let group = (existing?[.groupOwnerAccountID] as? NSNumber)?.uint32Value,
            chown(temporary, owner, group) != 0
        {
            let reason = String(cString: strerror(errno))
            try? manager.removeItem(atPath: temporary)
            throw PromotionError(description: "cannot give the new file the owner of \(target) (\(reason))")
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            try? manager.removeItem(atPath: temporary)
            throw PromotionError(description: "cannot replace \(target) (\(reason))")
        }
        return target
    }

    struct PromotionError: Error, CustomStringConvertible {
        let description: String
    }
}
