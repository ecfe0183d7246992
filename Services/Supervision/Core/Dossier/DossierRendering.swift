import Crypto
import Foundation
import TongxinSchemas

/// The two exports of a dossier: canonical JSON (what a frozen dossier is hashed over) and a
/// printable Markdown document.
enum DossierRendering {
    /// Keys sorted, no insignificant whitespace, slashes unescaped: the same content always
    /// gives the same bytes, so its SHA-256 identifies it.
    static func canonicalJSON(_ content: DossierContent) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(content), as: UTF8.self)
    }

    static func decode(json: String) throws -> DossierContent {
        try JSONDecoder().decode(DossierContent.self, from: Data(json.utf8))
    }

    /// SHA-256 of the UTF-8 bytes, lower-case hex.
    static func hash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// 一事一档 as a document to print: one numbered section per step, each entry with its
    /// time and particulars; an unavailable section says why in a quote.
    static func markdown(_ content: DossierContent, hash: String, frozen: Bool) -> String {
        var out = "# 一事一档 · Dossier: \(escape(content.title))\n\n"
        out += "- 议题 Topic: `\(content.topicID)`\n"
        out += "- 落实事项 Cases: \(content.caseIDs.map { "`\($0)`" }.joined(separator: ", "))\n"
        out += "- \(frozen ? "已归档（冻结） Frozen" : "未归档 Not yet frozen") · SHA-256 `\(hash)`\n"
        for (index, section) in content.sections.enumerated() {
            out += "\n## \(index + 1). \(section.titleZH) · \(section.titleEN)\n\n"
            out += "_来源 Source: \(section.source)_\n\n"
            guard section.available else {
                out += "> \(escape(section.unavailableReason))\n"
                continue
            }
            if section.entries.isEmpty {
                out += "无 / none\n"
            }
            for entry in section.entries {
                let when = entry.at.isEmpty ? "" : "**\(entry.at)** "
                out += "- \(when)\(escape(entry.summary)) _(\(entry.kind))_\n"
                for field in entry.fields {
                    out += "  - \(field.name): \(escape(field.value))\n"
                }
            }
        }
        return out
    }

    /// Line breaks inside a value would break the list: they become spaces; Markdown's
    /// emphasis and table characters are escaped.
    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\n", "\r": out.append(" ")
            case "*", "_", "`", "|", "#", "<", ">", "[", "]": out.append("\\"); out.append(character)
            default: out.append(character)
            }
        }
        return out
    }

    static func wire(_ content: DossierContent, assembledAt: Date, frozen: Bool, hash: String, verified: Bool) -> SupervisionV1.Dossier {
        SupervisionV1.Dossier(
            topicId: content.topicID, title: content.title, caseIds: content.caseIDs,
            sections: content.sections.map { section in
                SupervisionV1.DossierSection(
                    key: section.key, title: CommonV1.LocalizedText(zh: section.titleZH, en: section.titleEN), source: section.source,
                    status: section.available ? .available : .unavailable, unavailableReason: section.unavailableReason,
                    entries: section.entries.map { entry in
                        SupervisionV1.DossierEntry(
                            at: entry.date.map(CommonV1.Timestamp.init), kind: entry.kind, summary: entry.summary,
                            fields: entry.fields.map { SupervisionV1.DossierField(name: $0.name, value: $0.value) })
                    })
            },
            assembledAt: CommonV1.Timestamp(assembledAt), frozen: frozen, contentHash: hash, hashVerified: verified)
    }
}
