import CXGBoost

/// Checks the return code of an XGBoost C API call and turns a failure into `XGBoostError.library`,
/// copying `XGBGetLastError()` immediately (it lives in thread-local storage).
@inline(__always)
func xgbCheck(_ code: Int32, _ function: StaticString) throws(XGBoostError) {
    guard code != 0 else { return }
    let message = XGBGetLastError().map { String(cString: $0) } ?? "unknown error"
    throw XGBoostError.library(function: "\(function)", message: message)
}

/// Calls `body` with an array of C string pointers that stay valid for the duration of the call.
func withCStringArray<R>(
    _ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> R
) rethrows -> R {
    let duplicated = strings.map { strdup($0) }
    defer { duplicated.forEach { free($0) } }
    return try body(duplicated.map { UnsafePointer($0) })
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
