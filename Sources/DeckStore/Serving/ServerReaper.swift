import Foundation

/// Servers that died without stopping (`kill -9`, a crash, a power cut): their registry entry
/// stays behind, and so would their deployment. Whoever notices first ends it.
public extension ServerRegistry {
    /// Ends the deployment of every registered server whose process is gone, at its last
    /// heartbeat (the entry's, else the entry file's modification time), and removes its entry.
    /// Returns the entries reaped. Entries of other hosts are left alone (their liveness cannot be
    /// told from here). A failure to end a deployment leaves the entry for the next caller.
    @discardableResult
    func reapDead(store: DeckStore) -> [ServerEntry] {
        guard !store.isReadOnly else { return [] }
        var reaped: [ServerEntry] = []
        for (entry, url) in entries() where !Self.isAlive(entry) {
            if let alias = entry.alias {
                let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)?.timeIntervalSince1970
                let ended = entry.heartbeat ?? modified ?? entry.started
                do {
                    _ = try store.endDeployments(model: entry.model, alias: alias, address: Self.deploymentAddress(host: entry.host, port: entry.port),
                                                 endedAt: ended)
                } catch ModelRegistryError.unknownModel {
                    // The model was deleted since: nothing to end.
                } catch {
                    continue
                }
            }
            try? FileManager.default.removeItem(at: url)
            reaped.append(entry)
        }
        return reaped
    }

    /// `host:port` (brackets around an IPv6 host), as deployments record a server's address.
    static func deploymentAddress(host: String, port: Int) -> String {
        "\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
