import Foundation
import TongxinFuzzing

// Built two ways:
// - normally (every `swift build`): a replayer, `tongxin-fuzz TARGET FILE…`, that runs the
//   target on each file and exits 1 on a broken invariant — how a finding is reproduced;
// - by `Scripts/fuzz.sh` with `-sanitize=fuzzer,address -DTONGXIN_LIBFUZZER`: libFuzzer's
//   driver around the target named by TONGXIN_FUZZ_TARGET. SwiftPM links an executable's
//   entry as `<module>_main`, so that is where the driver starts.

#if TONGXIN_LIBFUZZER
private let selected: FuzzTargets.Target = {
    let name = ProcessInfo.processInfo.environment["TONGXIN_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        fatalError("TONGXIN_FUZZ_TARGET must be one of \(FuzzTargets.all.keys.sorted()), not \"\(name)\"")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let violations = selected(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    if !violations.isEmpty {
        fatalError(violations.joined(separator: "; "))
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("tongxin_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}
#else
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTargets.all[name], arguments.count > 1 else {
            FileHandle.standardError.write(Data("usage: tongxin-fuzz {\(FuzzTargets.all.keys.sorted().joined(separator: "|"))} FILE…\n".utf8))
            exit(2)
        }
        var failed = false
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(2)
            }
            let violations = data.withUnsafeBytes { target($0) }
            print("\(path): \(violations.isEmpty ? "ok" : violations.joined(separator: "; "))")
            failed = failed || !violations.isEmpty
        }
        exit(failed ? 1 : 0)
    }
}
#endif
