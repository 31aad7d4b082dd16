import DeckML
import Foundation

/// A seeded generator of a telecom churn table shaped like the public "WA_Fn-UseC_-Telco-Customer-Churn"
/// data (`../shared/data/wa_churn.csv`): the same 21 columns and value sets, realistic marginals,
/// and a churn label drawn from a logistic model of the features, so a classifier learns
/// something (validation AUC ≈ 0.83).
///
/// How a customer is drawn (everything from a ``SplitMix64`` seeded by the table seed and the
/// customer id, so a customer keeps their attributes from one version to the next):
/// - `female` ½, `senior_citizen` 16 %, `partner` 48 %, `dependents` 30 % (55 % with a partner);
/// - `tenure` 1–72 months, U-shaped (many new and many long-standing customers), scaled by
///   ``Drift/tenureScale``;
/// - `phone_service` 90 %, `multiple_lines` 42 % of those; `internet_service` DSL 34 %,
///   Fiber optic 44 % (+ ``Drift/extraFiber``), No 22 %; each of the six add-on services 30–45 %
///   of internet customers (`No internet service` otherwise);
/// - `contract` month-to-month 55 %, one year 21 %, two year 24 % (long contracts likelier with
///   long tenure); `paperless_billing` 59 %; `payment_method` electronic check 34 %, mailed check
///   23 %, bank transfer 22 %, credit card 21 %;
/// - `monthly_charges` = 20 + 5 (phone) + 5 (extra lines) + 25 (DSL) or 50 (fiber) + 5 per
///   add-on + N(0, 3), times ``Drift/priceFactor`` (fiber only); `total_charges` ≈ monthly ×
///   tenure, blank for about 0.3 % of customers (as in the original data);
/// - `churn` = Yes with probability σ(−1.1 + 1.4·month-to-month − 1.1·two-year + 0.8·fiber
///   − 0.035·tenure + 0.5·electronic check + 0.3·senior − 0.5·tech support
///   + 0.02·(monthly − 65) + ``Drift/churnShift``).
public struct ChurnDataGenerator: Sendable {
    /// How a version differs from the population of the first one.
    public struct Drift: Sendable, Equatable {
        /// Multiplies fiber customers' monthly charges (a price rise).
        public var priceFactor: Double
        /// Extra share of internet customers on fiber.
        public var extraFiber: Double
        /// Multiplies tenure (newer customers).
        public var tenureScale: Double
        /// Added to the churn log-odds.
        public var churnShift: Double
        /// Shares of senior citizens, of customers with a partner, of paperless billing and of
        /// payment by electronic check (the other methods share the rest in their usual proportions).
        public var seniorRate = 0.16, partnerRate = 0.48, paperlessRate = 0.59, electronicCheckRate = 0.34
        public init(priceFactor: Double = 1, extraFiber: Double = 0, tenureScale: Double = 1, churnShift: Double = 0) {
            self.priceFactor = priceFactor; self.extraFiber = extraFiber; self.tenureScale = tenureScale; self.churnShift = churnShift
        }
        /// No drift.
        public static let none = Drift()
        /// The demo's third version: a fiber price rise and its consequences.
        public static let priceRise = Drift(priceFactor: 1.22, extraFiber: 0.12, tenureScale: 0.8, churnShift: 0.45)
        /// The demo endpoint's drifted window: after the price rise, a promotion signed up young,
        /// new, month-to-month fiber customers with paperless billing paying by electronic check.
        public static let promotion: Drift = {
            var d = Drift(priceFactor: 1.22, extraFiber: 0.2, tenureScale: 0.25, churnShift: 0.45)
            d.seniorRate = 0.04; d.partnerRate = 0.15; d.paperlessRate = 0.85; d.electronicCheckRate = 0.6
            return d
        }()
    }

    /// The header, as in the original data.
    public static let columns = ["customer_id", "churn", "female", "senior_citizen", "partner", "dependents", "tenure",
                                 "phone_service", "multiple_lines", "internet_service", "online_security", "online_backup",
                                 "device_protection", "tech_support", "streaming_tv", "streaming_movies", "contract",
                                 "paperless_billing", "payment_method", "monthly_charges", "total_charges"]

    /// One customer.
    public struct Customer: Sendable, Equatable {
        public var id: Int
        public var churn: Bool
        public var female: Bool, senior: Bool, partner: Bool, dependents: Bool
        public var tenure: Int
        public var phone: Bool, multipleLines: Bool
        /// 0 DSL, 1 fiber, 2 none.
        public var internet: Int
        /// online_security, online_backup, device_protection, tech_support, streaming_tv, streaming_movies.
        public var addOns: [Bool]
        /// 0 month-to-month, 1 one year, 2 two year.
        public var contract: Int
        public var paperless: Bool
        /// 0 electronic check, 1 mailed check, 2 bank transfer, 3 credit card.
        public var payment: Int
        public var monthlyCharges: Double
        public var totalCharges: Double?
    }

    public var seed: UInt64
    public init(seed: UInt64 = 2024) { self.seed = seed }

    /// Customer `id` under `drift`.
    public func customer(_ id: Int, drift: Drift = .none) -> Customer {
        var g = SplitMix64(seed: seed &+ UInt64(id) &* 0x9E37_79B9_7F4A_7C15)
        func u() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        func p(_ x: Double) -> Bool { u() < x }
        let female = p(0.5), senior = p(drift.seniorRate), partner = p(drift.partnerRate)
        let dependents = p(partner ? 0.55 : 0.08)
        // U-shaped tenure: a mix of new customers and long-standing ones.
        let r = u()
        var tenure = r < 0.35 ? 1 + Int(u() * 12) : (r < 0.7 ? 13 + Int(u() * 47) : 55 + Int(u() * 18))
        tenure = max(1, min(72, Int((Double(tenure) * drift.tenureScale).rounded())))
        let phone = p(0.9)
        let multipleLines = phone && p(0.42)
        let ri = u()
        let fiberShare = 0.44 + drift.extraFiber
        let internet = ri < 0.22 ? 2 : (ri < 0.22 + fiberShare ? 1 : 0)
        let addOnRates = [0.29, 0.34, 0.34, 0.29, 0.38, 0.39]
        let addOns = addOnRates.map { internet != 2 && p($0) }
        let rc = u()
        let longBias = Double(tenure) / 72 * 0.35
        let contract = rc < 0.55 - longBias ? 0 : (rc < 0.76 - longBias / 2 ? 1 : 2)
        let paperless = p(drift.paperlessRate)
        let rp = u()
        let e = drift.electronicCheckRate, k = (1 - e) / 0.66
        let payment = rp < e ? 0 : (rp < e + 0.23 * k ? 1 : (rp < e + 0.45 * k ? 2 : 3))
        var monthly = 20.0 + (phone ? 5 : 0) + (multipleLines ? 5 : 0) + (internet == 0 ? 25 : (internet == 1 ? 50 : 0))
        monthly += Double(addOns.filter { $0 }.count) * 5
        monthly += gaussian(&g) * 3
        if internet == 1 { monthly *= drift.priceFactor }
        monthly = max(18.25, (monthly * 20).rounded() / 20)
        let total: Double? = p(0.003) ? nil : ((monthly * Double(tenure) * (0.95 + 0.1 * u())) * 100).rounded() / 100
        var logit = -1.1 + (contract == 0 ? 1.4 : 0) - (contract == 2 ? 1.1 : 0) + (internet == 1 ? 0.8 : 0)
        logit += -0.035 * Double(tenure) + (payment == 0 ? 0.5 : 0) + (senior ? 0.3 : 0) - (addOns[3] ? 0.5 : 0)
        logit += 0.02 * (monthly - 65) + drift.churnShift
        let churn = u() < 1 / (1 + exp(-logit))
        return Customer(id: id, churn: churn, female: female, senior: senior, partner: partner, dependents: dependents,
                        tenure: tenure, phone: phone, multipleLines: multipleLines, internet: internet, addOns: addOns,
                        contract: contract, paperless: paperless, payment: payment, monthlyCharges: monthly, totalCharges: total)
    }

    /// Customers `ids` under `drift`.
    public func customers(_ ids: Range<Int>, drift: Drift = .none) -> [Customer] { ids.map { customer($0, drift: drift) } }

    private func gaussian(_ g: inout SplitMix64) -> Double {
        let a = max(1e-12, Double(g.next() >> 11) / Double(1 << 53)), b = Double(g.next() >> 11) / Double(1 << 53)
        return (-2 * log(a)).squareRoot() * cos(2 * Double.pi * b)
    }

    /// The customers as CSV text with the original column names and spellings.
    public static func csv(_ customers: [Customer]) -> String {
        var out = columns.joined(separator: ",") + "\n"
        out.reserveCapacity(customers.count * 160)
        let yesNo = { (b: Bool) in b ? "Yes" : "No" }
        let internetNames = ["DSL", "Fiber optic", "No"]
        let contracts = ["Month-to-month", "One year", "Two year"]
        let payments = ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"]
        for c in customers {
            var f: [String] = []
            f.reserveCapacity(21)
            f.append("C\(String(c.id + 100_000))")
            f.append(yesNo(c.churn))
            f.append(c.female ? "1" : "0"); f.append(c.senior ? "1" : "0"); f.append(c.partner ? "1" : "0"); f.append(c.dependents ? "1" : "0")
            f.append(String(c.tenure))
            f.append(c.phone ? "1" : "0")
            f.append(c.phone ? yesNo(c.multipleLines) : "No phone service")
            f.append(internetNames[c.internet])
            for a in c.addOns { f.append(c.internet == 2 ? "No internet service" : yesNo(a)) }
            f.append(contracts[c.contract])
            f.append(c.paperless ? "1" : "0")
            f.append("\"\(payments[c.payment])\"")
            f.append(CompactDecimal.format(c.monthlyCharges))
            f.append(c.totalCharges.map(CompactDecimal.format) ?? "")
            out += f.joined(separator: ",") + "\n"
        }
        return out
    }

    /// Numeric features for XGBoost (one-hot for categories) and the 0/1 label.
    public static func features(_ customers: [Customer]) -> (names: [String], rows: [[Float]], labels: [Float]) {
        let names = ["female", "senior_citizen", "partner", "dependents", "tenure", "phone_service", "multiple_lines",
                     "internet_dsl", "internet_fiber", "online_security", "online_backup", "device_protection", "tech_support",
                     "streaming_tv", "streaming_movies", "contract_one_year", "contract_two_year", "paperless_billing",
                     "pay_electronic_check", "pay_mailed_check", "pay_bank_transfer", "monthly_charges", "total_charges"]
        var rows: [[Float]] = []
        rows.reserveCapacity(customers.count)
        for c in customers {
            func b(_ x: Bool) -> Float { x ? 1 : 0 }
            var r: [Float] = [b(c.female), b(c.senior), b(c.partner), b(c.dependents), Float(c.tenure), b(c.phone), b(c.multipleLines),
                              b(c.internet == 0), b(c.internet == 1)]
            r += c.addOns.map(b)
            r += [b(c.contract == 1), b(c.contract == 2), b(c.paperless), b(c.payment == 0), b(c.payment == 1), b(c.payment == 2),
                  Float(c.monthlyCharges), c.totalCharges.map(Float.init) ?? .nan]
            rows.append(r)
        }
        return (names, rows, customers.map { $0.churn ? 1 : 0 })
    }
}

/// Decimal text without trailing zeros (`29.85`, `70`, `1889.5`).
enum CompactDecimal {
    static func format(_ v: Double) -> String {
        let cents = Int64((v * 100).rounded())
        let whole = cents / 100, frac = abs(cents % 100)
        if frac == 0 { return String(whole) }
        if frac % 10 == 0 { return "\(whole).\(frac / 10)" }
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }
}
