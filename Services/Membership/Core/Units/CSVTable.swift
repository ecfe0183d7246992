/// A minimal RFC 4180 reader for the unit import: comma-separated, fields optionally in
/// double quotes (a doubled quote inside is a quote), CRLF or LF line ends, a UTF-8 BOM
/// ignored. Each record keeps the 1-based line it starts on, for the error report.
struct CSVTable {
    struct Record {
        let line: Int
        let fields: [String]
    }

    let records: [Record]

    init(_ text: String) {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
            field = ""
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuotes {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
            } else {
                switch scalar {
                case "\"": inQuotes = true
                case ",":
                    fields.append(field)
                    field = ""
                case "\r": break
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default: field.unicodeScalars.append(scalar)
                }
            }
            index += 1
        }
        endRecord()
        self.records = records
    }
}
