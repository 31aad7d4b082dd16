/// How a version's content is held in the object store.
public enum DatasetContentKind: String, Codable, Sendable {
    /// One object: a file of a single chunk. Its content hash is the SHA-256 of the file.
    case object
    /// A recipe object listing a file's chunks (see ``FileRecipe``).
    case recipe
    /// A manifest object listing a directory's files (see ``DirectoryManifest``).
    case manifest
}

/// What storing a file or a directory produced: its content hash, every object it references and
/// how many bytes were new to the store.
public struct StoredContent: Sendable {
    /// How the content is held.
    public var kind: DatasetContentKind
    /// The content hash (an object id: the file's single object, its recipe or the manifest).
    public var contentHash: ObjectID
    /// Every object the content references (chunks, recipes, the manifest), with its size.
    public var objects: [ObjectID: Int64]
    /// Bytes of the file, or of all files of the directory.
    public var logicalBytes: Int64
    /// Objects written by this call (absent before it).
    public var newObjects: Int
    /// Bytes of the objects written by this call.
    public var newBytes: Int64
    /// 1 for a file; the number of files of a directory.
    public var fileCount: Int
    /// Number of distinct chunk objects.
    public var chunkCount: Int
    /// Directory entries skipped while walking (symbolic links to folders, special files), with why.
    public var skipped: [String]

    public init(kind: DatasetContentKind, contentHash: ObjectID, objects: [ObjectID: Int64], logicalBytes: Int64,
                newObjects: Int, newBytes: Int64, fileCount: Int, chunkCount: Int, skipped: [String] = []) {
        self.kind = kind; self.contentHash = contentHash; self.objects = objects; self.logicalBytes = logicalBytes
        self.newObjects = newObjects; self.newBytes = newBytes; self.fileCount = fileCount; self.chunkCount = chunkCount
        self.skipped = skipped
    }
}
