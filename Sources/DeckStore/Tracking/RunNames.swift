/// Friendly generated run names (`brave-otter-417`), as MLflow gives runs without a name.
enum RunNames {
    private static let adjectives = ["amber", "brave", "calm", "clever", "crisp", "dapper", "eager", "fancy", "gentle", "glad",
                                     "happy", "jolly", "keen", "lively", "lucky", "merry", "nimble", "polite", "proud", "quick",
                                     "quiet", "rapid", "shy", "silent", "sleek", "smart", "snappy", "steady", "sunny", "swift",
                                     "tidy", "vivid", "warm", "wise", "witty", "zesty"]
    private static let nouns = ["ant", "bat", "bear", "bee", "carp", "cat", "crab", "crow", "deer", "dove", "eel", "elk",
                                "finch", "fox", "frog", "goat", "hare", "hawk", "ibis", "jay", "koala", "lark", "lynx", "mole",
                                "moth", "newt", "orca", "otter", "owl", "panda", "quail", "ram", "seal", "shrew", "slug",
                                "swan", "toad", "trout", "wasp", "wolf", "wren", "yak"]

    static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        "\(adjectives.randomElement(using: &generator)!)-\(nouns.randomElement(using: &generator)!)-\(Int.random(in: 100...999, using: &generator))"
    }

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return random(using: &g)
    }
}
