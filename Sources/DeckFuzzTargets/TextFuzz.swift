@testable import DeckEngine
@testable import DeckStore
@testable import DeckTUI
import Foundation

/// Text formats: the filter language, `mldeck.yaml`, metrics-file lines and theme files.
enum TextFuzz {
    /// Parse, evaluate in memory (as pipeline `if:` does), compile to SQL (as `runs list --filter`).
    static func filter(_ bytes: [UInt8]) {
        let text = FuzzTarget.text(bytes)
        guard let expression = try? FilterExpression.parse(text) else { return }
        _ = expression.fields
        _ = FilterEvaluator(missingIsTrue: { $0.description.hasPrefix("production.") })
            .evaluate(expression, in: FixedContext())
        var ids: Int64 = 0
        let compiler = RunFilterCompiler(keyID: { _ in ids += 1; return ids % 3 == 0 ? nil : ids },
                                         expressionText: text, now: 1_790_000_000)
        _ = try? compiler.compile(expression)
    }

    /// YAML with its limits, the spec parser, `${…}` interpolation and the validator.
    static func spec(_ bytes: [UInt8]) {
        guard let root = try? ConfigLoader.parse(FuzzTarget.text(bytes), file: "mldeck.yaml"),
              let config = try? PipelineSpecParser(file: "mldeck.yaml").parse(root) else { return }
        _ = PipelineValidator(file: "mldeck.yaml").problems(in: config)
        for pipeline in config.pipelines {
            _ = PipelineValidator(file: "mldeck.yaml").problems(in: pipeline, overrides: ["max_depth": "3"])
        }
    }

    static func metricsLine(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            _ = try? MetricsLine.parse(buffer, lineNumber: 1, now: 1_790_000_000)
        }
    }

    /// Parse, then resolve against the default theme at every colour depth, and write it back.
    static func theme(_ bytes: [UInt8]) {
        let (definition, _) = ThemeParser.parse(FuzzTarget.text(bytes), file: "fuzz.theme", defaultName: "fuzz")
        let theme = Theme(definition)
        for depth in ColorDepth.allCases { _ = theme.resolved(for: depth) }
        _ = theme.fileText()
    }
}

/// A run with a few known fields; everything else is missing.
struct FixedContext: FilterContext {
    func value(of field: FilterField) -> FilterValue? {
        switch field.description.count % 4 {
        case 0: return .number(0.5)
        case 1: return .string("6")
        case 2: return .bool(true)
        default: return nil
        }
    }
}
