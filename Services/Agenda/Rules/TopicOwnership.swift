/// 跨村议题 — "涉及多个村的协商议题，由乡镇牵头开展协商" (004, 协商形式): a topic spanning
/// several units is owned by the unit above all of them (their town), not by one of them.
public enum TopicOwnership {
    /// Refuses a topic at `owner` that spans `spanned` units unless `owner` is their
    /// lowest common ancestor (`topic.cross_village_owner`), or a spanned unit lies outside
    /// `owner` (`topic.span_outside_owner`). One spanned unit (or none) needs nothing.
    public static func check(owner: UnitPath, spanned: [UnitPath]) throws(DomainViolation) {
        let distinct = Array(Set(spanned)).sorted()
        if let outside = distinct.first(where: { !$0.isWithin(owner) }) {
            throw DomainViolation(
                rule: "topic.span_outside_owner", field: "spanned_unit_paths",
                zh: "议题涉及的单元 \(outside) 不在议题所属单元 \(owner) 之下",
                en: "spanned unit \(outside) does not lie under the topic's unit \(owner)")
        }
        guard distinct.count > 1, let common = UnitPath.lowestCommonAncestor(distinct) else { return }
        guard common == owner else {
            throw DomainViolation(
                rule: "topic.cross_village_owner", field: "unit_path",
                zh: "涉及多个村的议题由其共同的上级单元 \(common) 牵头，而非 \(owner)",
                en: "a topic spanning several units is owned by their common parent \(common), not \(owner)")
        }
    }
}
