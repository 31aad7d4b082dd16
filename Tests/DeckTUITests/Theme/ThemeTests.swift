import XCTest
@testable import DeckTUI

final class ThemeTests: XCTestCase {
    func testColorParsing() {
        XCTAssertEqual(Color.parse("#3b4261"), .rgb(0x3b, 0x42, 0x61))
        XCTAssertEqual(Color.parse("#fff"), .rgb(255, 255, 255))
        XCTAssertEqual(Color.parse("208"), .indexed(208))
        XCTAssertEqual(Color.parse("bright-red"), .indexed(9))
        XCTAssertEqual(Color.parse("default"), .terminalDefault)
        XCTAssertNil(Color.parse("256"))
        XCTAssertNil(Color.parse("#12345"))
        XCTAssertNil(Color.parse("chartreuse"))
    }

    func testParserReadsAllForms() {
        let text = """
        # comment
        name = Mine
        selection = #c0caf5 on #3b4261 bold   # trailing comment
        title.fg = 33
        title.attrs = underline italic
        error.bg = red
        """
        let (def, errors) = ThemeParser.parse(text, file: "mine.theme", defaultName: "mine")
        XCTAssertEqual(errors, [])
        XCTAssertEqual(def.name, "Mine")
        XCTAssertEqual(def.overrides[.selection], SlotOverride(fg: .rgb(0xc0, 0xca, 0xf5), bg: .rgb(0x3b, 0x42, 0x61), attributes: .bold))
        XCTAssertEqual(def.overrides[.title], SlotOverride(fg: .indexed(33), attributes: [.underline, .italic]))
        XCTAssertEqual(def.overrides[.error], SlotOverride(bg: .indexed(1)))
    }

    func testParserReportsFileAndLineAndKeepsGoodLines() {
        let text = "text = #ffffff\nbogus.slot = red\nselection = #12345\n\ntitle = blue\nnoequals\nmarked.attrs = blink\n"
        let (def, errors) = ThemeParser.parse(text, file: "/x/bad.theme", defaultName: "bad")
        XCTAssertEqual(errors.map(\.line), [2, 3, 6, 7])
        XCTAssertEqual(errors[0].kind, .unknownKey("bogus.slot"))
        XCTAssertEqual(errors[1].kind, .badColor("#12345"))
        XCTAssertEqual(errors[2].kind, .missingEquals)
        XCTAssertEqual(errors[3].kind, .badAttributes("blink"))
        XCTAssertTrue(errors[1].description.hasPrefix("/x/bad.theme:3: '#12345' is not a colour"))
        XCTAssertEqual(def.overrides[.text]?.fg, .rgb(255, 255, 255))
        XCTAssertEqual(def.overrides[.title]?.fg, .indexed(4))
        XCTAssertNil(def.overrides[.selection])
    }

    func testPartialThemeFallsBackToDefaultPerSlotAndPart() {
        let (def, _) = ThemeParser.parse("selection.bg = #000000\nerror = 9\n", file: "p", defaultName: "p")
        let t = Theme(def)
        XCTAssertEqual(t[.selection].bg, .rgb(0, 0, 0))
        XCTAssertEqual(t[.selection].fg, Theme.defaultTheme[.selection].fg)
        XCTAssertEqual(t[.error].fg, .indexed(9))
        XCTAssertEqual(t[.error].attributes, Theme.defaultTheme[.error].attributes, "attributes inherited when not given")
        XCTAssertEqual(t[.statusRunning], Theme.defaultTheme[.statusRunning])
        let cleared = Theme(ThemeParser.parse("error = 9 none", file: "p", defaultName: "p").0)
        XCTAssertEqual(cleared[.error].attributes, [])
    }

    func testBundledDefaultFileEqualsBuiltInTheme() {
        let r = ThemeCatalog.loadFile(themesDirectory + "/default.theme")
        XCTAssertEqual(r.errors, [])
        for slot in ThemeSlot.allCases {
            XCTAssertEqual(r.theme[slot], Theme.defaultTheme[slot], "slot \(slot.rawValue)")
        }
    }

    func testEveryBundledThemeParsesCleanlyAndSetsEverySlot() throws {
        let names = ["default", "light", "high-contrast", "solarized-dark", "gruvbox-dark", "monochrome"]
        for name in names {
            let path = themesDirectory + "/\(name).theme"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let (def, errors) = ThemeParser.parse(text, file: path, defaultName: name)
            XCTAssertEqual(errors, [], "\(name): \(errors)")
            XCTAssertEqual(Set(def.overrides.keys), Set(ThemeSlot.allCases), "\(name) leaves slots to the default")
        }
        let mono = ThemeCatalog.loadFile(themesDirectory + "/monochrome.theme").theme
        for slot in ThemeSlot.allCases {
            XCTAssertEqual(mono[slot].fg, .terminalDefault)
            XCTAssertEqual(mono[slot].bg, .terminalDefault)
        }
        XCTAssertEqual(mono[.selection].attributes, .reverse)
    }

    func testCatalogSearchOrderUserFirstAndErrorsFallBack() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        let user = tmp.appendingPathComponent("user"), bundled = tmp.appendingPathComponent("bundled")
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: bundled, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        try "title = 1\n".write(to: bundled.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        try "title = 2\n".write(to: user.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        try "title = 3\n".write(to: bundled.appendingPathComponent("other.theme"), atomically: true, encoding: .utf8)
        try "title = #zz\n".write(to: bundled.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
        let cat = ThemeCatalog(bundledDirectories: [bundled.path], userDirectory: user.path)
        XCTAssertEqual(cat.availableThemes(), ["broken", "default", "mine", "other"])
        XCTAssertEqual(cat.load("mine").theme[.title].fg, .indexed(2))
        XCTAssertEqual(cat.load("other").theme[.title].fg, .indexed(3))
        let broken = cat.load("broken")
        XCTAssertEqual(broken.errors.count, 1)
        XCTAssertTrue(broken.errors[0].description.contains("broken.theme:1:"))
        XCTAssertEqual(broken.theme[.title], Theme.defaultTheme[.title])
        let missing = cat.load("nope")
        XCTAssertEqual(missing.theme, Theme.defaultTheme)
        XCTAssertEqual(missing.errors.first?.kind, .notFound("nope"))
        XCTAssertEqual(cat.load("default").theme, Theme.defaultTheme)
    }

    func testStandardCatalogHonoursEnvironment() {
        let cat = ThemeCatalog.standard(environment: ["MLDECK_THEMES_DIR": "/opt/t", "XDG_CONFIG_HOME": "/cfg"],
                                        executablePath: "/usr/local/bin/mldeck")
        XCTAssertEqual(cat.bundledDirectories.prefix(3), ["/opt/t", "/usr/local/bin/themes", "/usr/local/share/mldeck/themes"])
        XCTAssertEqual(cat.userDirectory, "/cfg/mldeck/themes")
        let home = ThemeCatalog.standard(environment: ["HOME": "/home/u"], executablePath: nil)
        XCTAssertEqual(home.userDirectory, "/home/u/.config/mldeck/themes")
        // From a build folder inside the source tree, the tree's themes/ is found by walking up.
        let src = ThemeCatalog.standard(environment: [:], executablePath: themesDirectory + "/../.build/debug/mldeck")
        XCTAssertTrue(src.bundledDirectories.contains { ($0 as NSString).standardizingPath == (themesDirectory as NSString).standardizingPath })
    }
}
