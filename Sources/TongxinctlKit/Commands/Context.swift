import ArgumentParser
import Foundation
import MembershipAPI
import TongxinRPC
import TongxinSchemas
import TongxinWire

/// The options every command takes: where the gateway is, which profile, which unit the
/// call acts for, and JSON or a table.
public struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The gateway, host:port (default: $TONGXIN_GATEWAY, the profile's, or 127.0.0.1:7100).", valueName: "host:port"))
    var gateway: String?

    @Option(help: ArgumentHelp("The profile (default: $TONGXIN_PROFILE, the current profile, or \"default\").", valueName: "name"))
    var profile: String?

    @Option(help: ArgumentHelp(
        "The unit the call acts for, as a unit path (x-tenant-unit; default: $TONGXIN_ACTING_UNIT, the profile's, or the unit of your grants when they are all at one).",
        valueName: "unit-path"))
    var actingUnit: UnitPathArgument?

    @Flag(help: "Print JSON (every field, as the API names it) instead of a table.")
    var json = false

    public init() {}

    func context(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CommandContext {
        try CommandContext(global: self, environment: environment)
    }
}

/// What a running command works with: the resolved settings, the profiles, the output.
struct CommandContext {
    let environment: [String: String]
    let store: ProfileStore
    let file: ProfileFile
    let settings: Settings
    let out: Output

    init(global: GlobalOptions, environment: [String: String]) throws {
        self.environment = environment
        store = ProfileStore(directory: ProfileStore.defaultDirectory(environment: environment))
        file = try store.load()
        out = Output(json: global.json, environment: environment)
        if store.tightened {
            out.warn("\(store.path) was readable by others; narrowed to 0600 (check who may have read your tokens)")
        }
        settings = Settings.resolve(
            profileFlag: global.profile, gatewayFlag: global.gateway, actingUnitFlag: global.actingUnit?.path,
            environment: environment, file: file)
    }

    /// Runs `body` with a connection to the gateway carrying the caller's token; a failed
    /// call comes out as a ``CallFailure`` that names the gateway and what to do next.
    func withGateway<T>(authenticated: Bool = true, _ body: (GatewayClient) async throws -> T) async throws -> T {
        if authenticated {
            guard settings.token != nil else {
                throw CommandFailure(.permission, "not logged in (profile \(settings.profileName)): run `tongxinctl login --profile \(settings.profileName)`, or set TONGXIN_TOKEN")
            }
            if let expiresAt = settings.expiresAt, expiresAt <= Int64(Date().timeIntervalSince1970) {
                throw CommandFailure(.permission, "the session of profile \(settings.profileName) ended at \(Format.instant(seconds: expiresAt)): run `tongxinctl login --profile \(settings.profileName)`")
            }
        }
        let gateway = try GatewayClient(address: settings.gateway, token: authenticated ? settings.token : nil, actingUnit: settings.actingUnit)
        do {
            let result = try await body(gateway)
            await gateway.close()
            return result
        } catch let error as RPCError {
            await gateway.close()
            var hint: String?
            switch error.code {
            case .unauthenticated where settings.tokenSource?.hasPrefix("profile") ?? false:
                hint = "the session ended or was revoked: run `tongxinctl login --profile \(settings.profileName)`"
            case .unauthenticated:
                hint = "the token in \(settings.tokenSource ?? "TONGXIN_TOKEN") is not accepted"
            case .invalidArgument where error.message.contains("x-tenant-unit"):
                hint = "name the unit with --acting-unit u…, or `tongxinctl profile set --acting-unit u…`"
            default:
                break
            }
            throw CallFailure(error: error, gateway: settings.gateway, hint: hint)
        } catch {
            await gateway.close()
            throw error
        }
    }
}

/// Standard output as a command writes it: JSON or a table, with colour only on a terminal.
struct Output {
    let json: Bool
    let style: Style
    let errorStyle: Style

    init(json: Bool, environment: [String: String]) {
        self.json = json
        self.style = json ? Style(enabled: false) : Style.forStream(1, environment: environment)
        self.errorStyle = Style.forStream(2, environment: environment)
    }

    /// One message: its JSON, or what `text` renders.
    func show<Message: WireMessage>(_ message: Message, _ text: () -> String) throws {
        if json {
            print(try ProtoJSON.encode(message).render())
        } else {
            print(text(), terminator: "")
        }
    }

    /// A list: a JSON array of the messages, or what `text` renders.
    func list<Message: WireMessage>(_ messages: [Message], _ text: () -> String) throws {
        if json {
            print(JSONValue.array(try messages.map(ProtoJSON.encode)).render())
        } else {
            print(text(), terminator: "")
        }
    }

    /// Any JSON value, or `text`.
    func value(_ value: @autoclosure () throws -> JSONValue, _ text: () -> String) throws {
        if json {
            print(try value().render())
        } else {
            print(text(), terminator: "")
        }
    }

    func table(_ table: Table) -> String {
        table.render(style: style)
    }

    func record(_ fields: [(String, Table.Cell)]) -> String {
        Table.record(fields, style: style)
    }

    /// A remark for the person at the terminal, on standard error (never mixed into JSON).
    func warn(_ text: String) {
        FileHandle.standardError.write(Data((errorStyle.colour("tongxinctl: " + text, .yellow) + "\n").utf8))
    }

    func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Every page of a keyset-paged list, up to `limit` items.
func allPages<Item>(
    limit: Int? = nil, pageSize: Int32 = 500,
    _ fetch: (CommonV1.PageRequest) async throws -> ([Item], CommonV1.PageInfo?)
) async throws -> [Item] {
    var items: [Item] = []
    var token = ""
    repeat {
        let size = limit.map { Int32(min(Int($0 - items.count), Int(pageSize))) } ?? pageSize
        let (page, info) = try await fetch(CommonV1.PageRequest(pageSize: size, pageToken: token))
        items += page
        token = info?.nextPageToken ?? ""
        if let limit, items.count >= limit { return Array(items.prefix(limit)) }
    } while !token.isEmpty
    return items
}

extension GatewayClient {
    /// The unit path of `unit` ("" when absent): as given when it is a path, else looked up
    /// at membership by its division code (agenda names units by path).
    func unitPath(_ unit: UnitArgument?) async throws -> String {
        guard let unit else { return "" }
        if let path = unit.path { return path }
        return try await MembershipV1.Membership.Client(rpc).getUnit(.init(unit: unit.ref), options: options()).path
    }
}
