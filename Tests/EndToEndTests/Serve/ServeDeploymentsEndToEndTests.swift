import DeckStore
import Foundation
import XCTest

/// `models deployments` while real servers start, follow their alias, stop and die: one record
/// per deployment (which version, from when to when, on which address), and a server killed with
/// `kill -9` ends its record at its last heartbeat, whoever notices first.
final class ServeDeploymentsEndToEndTests: XCTestCase {
    var workspace: URL!
    var servers: [ServeProcess] = []

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    override func tearDownWithError() throws {
        servers.forEach { $0.stop(SIGKILL) }
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    func deployments() throws -> [DeploymentRecord] {
        let out = try CLI.run(["models", "deployments", "shop-churn", "--json"], in: workspace)
        XCTAssertEqual(out.status, 0, out.stderr)
        return try JSONDecoder().decode([DeploymentRecord].self, from: Data(out.stdout.utf8))
    }

    /// `host:port` of a server's `http://host:port`.
    func hostPort(_ server: ServeProcess) -> String { String(server.address.dropFirst("http://".count)) }

    func testAServerTakesOverTheProductionRecordAndFollowsTheAliasAsOneRecord() throws {
        workspace = try ServeFixture.workspace(versions: 2)
        XCTAssertEqual(try deployments().filter(\.isCurrent).map(\.address), [nil], "promoted, no server yet")
        let first = try ServeProcess(["shop-churn@production"], in: workspace)
        servers.append(first)
        var current = try deployments().filter(\.isCurrent)
        XCTAssertEqual(current.count, 1, "one record per deployment: \(current)")
        XCTAssertEqual(current.first?.version, 1)
        XCTAssertEqual(current.first?.address, hostPort(first))
        XCTAssertEqual(try deployments().count, 1, "the promotion's record took the address; none was added")

        let second = try ServeProcess(["shop-churn@production"], in: workspace)
        servers.append(second)
        XCTAssertEqual(Set(try deployments().filter(\.isCurrent).map(\.address)), [hostPort(first), hostPort(second)])

        let moved = try CLI.run(["models", "promote", "shop-churn", "2", "--alias", "production"], in: workspace)
        XCTAssertEqual(moved.status, 0, moved.stderr)
        current = try deployments().filter(\.isCurrent)
        XCTAssertEqual(current.map(\.version), [2, 2])
        XCTAssertEqual(Set(current.map(\.address)), [hostPort(first), hostPort(second)], "no record without an address beside the servers")
        XCTAssertTrue(try deployments().filter { $0.version == 1 }.allSatisfy { $0.endedAt == current[0].startedAt })

        XCTAssertEqual(second.stop(), 0)
        current = try deployments().filter(\.isCurrent)
        XCTAssertEqual(current.map(\.address), [hostPort(first)])
        XCTAssertEqual(first.stop(), 0)
        XCTAssertEqual(try deployments().filter(\.isCurrent).count, 0, "no server serves it any more")
        XCTAssertNotNil(try deployments().first { $0.address == hostPort(first) && $0.version == 2 }?.endedAt)
        XCTAssertEqual(try deployments().count, 4, "v1 and v2 on each of the two servers")
    }

    func testAServerKilledWithSIGKILLEndsItsDeploymentAtItsLastHeartbeatWhoeverNotices() throws {
        workspace = try ServeFixture.workspace()
        let registry = ServerRegistry(workspace: try Workspace.locate(from: workspace, explicit: workspace.path))

        // Noticed by the next server's start.
        let killed = try ServeProcess(["shop-churn@production"], in: workspace)
        servers.append(killed)
        XCTAssertTrue(CLI.waitFor(30) { registry.list().first?.heartbeat != nil })
        killed.stop(SIGKILL)
        let beat = try XCTUnwrap(deadEntry(registry, killed)?.heartbeat)
        let next = try ServeProcess(["shop-churn@production"], in: workspace)
        servers.append(next)
        XCTAssertNil(deadEntry(registry, killed), "the start reaped the dead entry")
        var record = try XCTUnwrap(try deployments().first { $0.address == hostPort(killed) })
        XCTAssertEqual(try XCTUnwrap(record.endedAt), beat, accuracy: 0.002, "ended at the last heartbeat")
        XCTAssertEqual(try deployments().filter(\.isCurrent).map(\.address), [hostPort(next)])
        XCTAssertGreaterThan(try XCTUnwrap(try deployments().first { $0.address == hostPort(next) }).startedAt, beat)

        // Noticed by `servers list`: it drops off the list, its record ends.
        XCTAssertTrue(CLI.waitFor(30) { registry.list().first?.heartbeat != nil })
        next.stop(SIGKILL)
        let lastBeat = try XCTUnwrap(deadEntry(registry, next)?.heartbeat)
        let list = try XCTUnwrap(CLI.json(["servers", "list"], in: workspace) as? [[String: Any]])
        XCTAssertEqual(list.count, 0, "\(list)")
        XCTAssertNil(deadEntry(registry, next))
        record = try XCTUnwrap(try deployments().first { $0.address == hostPort(next) })
        XCTAssertEqual(try XCTUnwrap(record.endedAt), lastBeat, accuracy: 0.002)
        XCTAssertEqual(try deployments().filter(\.isCurrent).count, 0)
        XCTAssertLessThan(try XCTUnwrap(record.endedAt), Date().timeIntervalSince1970 - 0.001)
    }

    /// The registry entry a killed server left behind (nil once reaped).
    func deadEntry(_ registry: ServerRegistry, _ server: ServeProcess) -> ServerEntry? {
        let file = registry.directory.appendingPathComponent(
            hostPort(server).replacingOccurrences(of: ":", with: "_").map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? String($0) : "_" }.joined() + ".json")
        guard let data = try? Data(contentsOf: file) else { return nil }
        return try? JSONDecoder().decode(ServerEntry.self, from: data)
    }
}
