import Foundation

/// Where lessons come from: the ones built into the binary (SwiftPM resources of this target,
/// `Lessons/`, so `tabsim learn` works from any directory), or a folder of one's own.
extension Lesson {
    /// The folder of the built-in lessons inside the resource bundle, or nil when the bundle is not
    /// beside the binary (a binary copied away from its build folder without
    /// `TabSync_TabSimulator.resources`). Looked for before `Bundle.module` is touched: the
    /// generated accessor stops the program when it finds no bundle.
    public static var builtInFolder: String? {
        let beside = Bundle.main.bundleURL.appendingPathComponent("TabSync_TabSimulator.resources").path
        guard FileManager.default.fileExists(atPath: beside) else { return nil }
        return Bundle.module.url(forResource: "Lessons", withExtension: nil)?.path
    }

    /// The lessons built into the binary, numbered in file name order.
    public static func builtIn() throws(ScenarioError) -> [Lesson] {
        guard let folder = builtInFolder else {
            throw ScenarioError(
                file: "(built-in lessons)", line: nil,
                problem:
                    "the lessons' resource bundle (TabSync_TabSimulator.resources) is not beside the tabsim binary: "
                    + "keep it with the binary, or give --lessons DIR")
        }
        return try catalog(folder: folder)
    }

    /// The lesson files (`*.yaml`) of `folder`, numbered in file name order; a folder that cannot
    /// be read or holds no lesson file is an error naming it.
    public static func catalog(folder: String) throws(ScenarioError) -> [Lesson] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw ScenarioError(file: folder, line: nil, problem: "cannot read the folder of lessons")
        }
        let files = names.filter { $0.hasSuffix(".yaml") }.map { (folder as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else {
            throw ScenarioError(file: folder, line: nil, problem: "no lesson files (*.yaml) in this folder")
        }
        return try catalog(files: files)
    }
}
