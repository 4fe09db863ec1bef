import CFuzzDriver
import TabSyncFuzzing

/// One input: any input that breaks a property of the JSON parser is a crash.
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let problems = JSONParserFuzzer.problems(bytes)
    if !problems.isEmpty { fatalError(problems.joined(separator: "; ")) }
    return 0
}

/// SwiftPM names an executable's entry point `<module>_main`; it hands the arguments to libFuzzer.
@_cdecl("JSONFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzJSON(data, size) }
}
