import CFuzzDriver
import TabSyncFuzzing

/// SwiftPM names an executable's entry point `<module>_main`; it hands the arguments to libFuzzer,
/// which hands each input to the JSON parser's harness.
@_cdecl("JSONFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        FuzzInput.check(data, size) { JSONParserFuzzer.problems($0) }
    }
}
