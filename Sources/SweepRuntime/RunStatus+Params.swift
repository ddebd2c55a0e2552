import Foundation
import SweepCore

/// A trial's parameters as a JSON object (name → number, string or boolean, as the spec wrote
/// them), for `sweep status --json`, `/api/status` and notifications; a non-finite number is null.
public struct ParamsObject: Codable, Sendable, Equatable {
    public var params: Params

    public init(_ params: Params) { self.params = params }

    struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        var values: [String: ParamValue] = [:]
        for key in container.allKeys {
            if let bool = try? container.decode(Bool.self, forKey: key) {
                values[key.stringValue] = .bool(bool)
            } else if let int = try? container.decode(Int.self, forKey: key) {
                values[key.stringValue] = .int(int)
            } else if let double = try? container.decode(Double.self, forKey: key) {
                values[key.stringValue] = .double(double)
            } else if try container.decodeNil(forKey: key) {
                values[key.stringValue] = .double(.nan)
            } else {
                values[key.stringValue] = .string(try container.decode(String.self, forKey: key))
            }
        }
        params = Params(values)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        for (name, value) in params.entries {
            let key = Name(stringValue: name)
            switch value {
            case .int(let int): try container.encode(int, forKey: key)
            case .double(let double) where double.isFinite: try container.encode(double, forKey: key)
            case .double: try container.encodeNil(forKey: key)
            case .string(let string): try container.encode(string, forKey: key)
            case .bool(let bool): try container.encode(bool, forKey: key)
            }
        }
    }
}
