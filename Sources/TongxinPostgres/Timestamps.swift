import Foundation

/// Conversion between `Date` and PostgreSQL's ISO text form of `timestamptz`.
///
/// Done by hand (civil-date arithmetic) instead of with a DateFormatter: it is on the
/// path of every row, must not depend on the process locale, and must keep microseconds.
/// Connections run with `TimeZone = 'UTC'` and `DateStyle = 'ISO'`, but offsets other
/// than +00 are still honoured.
enum PostgresTimestamp {
    /// `2024-05-06 07:08:09.123456+00`.
    static func format(_ date: Date) -> String {
        var seconds = date.timeIntervalSince1970.rounded(.down)
        var micros = Int64(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            micros -= 1_000_000
            seconds += 1
        }
        let total = Int64(seconds)
        let days = floorDiv(total, 86_400)
        let secondOfDay = total - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = year <= 0 ? pad(1 - year, 4) : pad(year, 4)
        text += "-" + pad(month, 2) + "-" + pad(day, 2) + " "
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if micros > 0 { text += "." + pad(micros, 6) }
        text += "+00"
        if year <= 0 { text += " BC" }
        return text
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]][ BC]`, `infinity`, `-infinity`.
    /// A value without offset (`timestamp`, `date`) is taken as UTC. Reads the string's
    /// UTF-8 in place (no copy, no allocation): it runs for every timestamp of every row.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var text = text
        return text.withUTF8 { utf8 in
            var scanner = Scanner(bytes: utf8)
            return scanner.timestamp()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var end: Int

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            end = bytes.count
        }

        mutating func number(maxDigits: Int = 12) -> Int64? {
            var value: Int64 = 0
            var digits = 0
            while index < end, digits < maxDigits, let d = PostgresTimestamp.digit(bytes[index]) {
                value = value * 10 + Int64(d)
                index += 1
                digits += 1
            }
            return digits == 0 ? nil : value
        }

        mutating func expect(_ ascii: UInt8) -> Bool {
            guard index < end, bytes[index] == ascii else { return false }
            index += 1
            return true
        }

        mutating func timestamp() -> Date? {
            var bc = false
            if end > 3, bytes[end - 3] == UInt8(ascii: " "), bytes[end - 2] == UInt8(ascii: "B"),
               bytes[end - 1] == UInt8(ascii: "C") {
                bc = true
                end -= 3
            }
            guard var year = number(), expect(UInt8(ascii: "-")), let month = number(maxDigits: 2),
                expect(UInt8(ascii: "-")), let day = number(maxDigits: 2), (1...12).contains(month), (1...31).contains(day)
            else { return nil }
            if bc { year = 1 - year }
            var secondOfDay: Int64 = 0
            var micros: Int64 = 0
            var offset: Int64 = 0
            if index < end {
                guard expect(UInt8(ascii: " ")) || expect(UInt8(ascii: "T")), let hour = number(maxDigits: 2),
                    expect(UInt8(ascii: ":")), let minute = number(maxDigits: 2), expect(UInt8(ascii: ":")),
                    let second = number(maxDigits: 2), hour <= 24, minute < 60, second <= 60
                else { return nil }
                secondOfDay = hour * 3600 + minute * 60 + second
                if expect(UInt8(ascii: ".")) {
                    var scale: Int64 = 100_000
                    while index < end, let d = PostgresTimestamp.digit(bytes[index]) {
                        micros += Int64(d) * scale
                        scale /= 10
                        index += 1
                    }
                }
                if index < end {
                    let sign: Int64
                    if expect(UInt8(ascii: "+")) { sign = 1 } else if expect(UInt8(ascii: "-")) { sign = -1 } else { return nil }
                    guard let offHours = number(maxDigits: 2) else { return nil }
                    var off = offHours * 3600
                    if expect(UInt8(ascii: ":")) {
                        guard let offMinutes = number(maxDigits: 2) else { return nil }
                        off += offMinutes * 60
                        if expect(UInt8(ascii: ":")) {
                            guard let offSeconds = number(maxDigits: 2) else { return nil }
                            off += offSeconds
                        }
                    }
                    offset = sign * off
                }
                guard index == end else { return nil }
            }
            let days = PostgresTimestamp.daysFromCivil(year: year, month: month, day: day)
            let seconds = days * 86_400 + secondOfDay - offset
            return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
        }
    }

    fileprivate static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
