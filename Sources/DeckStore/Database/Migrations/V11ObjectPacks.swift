import GRDB

/// Migration v11: dataset objects may now live in packs (`.mldeck/objects/pack/`, see
/// ``PackWriter``). The database schema does not change; the migration is recorded so that an
/// older MLDeck, which knows only loose objects and would report every packed chunk as missing
/// (and could not read those datasets), refuses the workspace as written by a newer MLDeck
/// instead (``WorkspaceError/newerSchema(path:unknown:)``).
enum ObjectPacksMigration {
    static func migrate(_ db: Database) throws {}
}
