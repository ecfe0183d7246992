/// 亲属关系 — how one person is related to another.
///
/// Recorded so that Organic Law art. 32 can be applied: villagers' committee members and
/// their close relatives (近亲属) may not serve on the village affairs supervision committee.
public enum KinshipRelation: String, Sendable, Hashable, Codable, CaseIterable {
    /// 配偶.
    case spouse
    /// 父母.
    case parent
    /// 子女.
    case child
    /// 兄弟姐妹.
    case sibling
    /// 祖父母、外祖父母.
    case grandparent
    /// 孙子女、外孙子女.
    case grandchild
    /// 公婆、岳父母 — not a close relative under art. 1045.
    case parentInLaw
    /// 儿媳、女婿 — not a close relative under art. 1045.
    case childInLaw
    /// 兄弟姐妹的配偶、配偶的兄弟姐妹 — not a close relative under art. 1045.
    case siblingInLaw
    /// 叔伯姑舅姨 — not a close relative under art. 1045.
    case uncleOrAunt
    /// 侄甥 — not a close relative under art. 1045.
    case nephewOrNiece
    /// 堂表兄弟姐妹 — not a close relative under art. 1045.
    case cousin

    /// 近亲属 — Civil Code art. 1045: spouse, parents, children, siblings, paternal and
    /// maternal grandparents, grandchildren and maternal grandchildren.
    public var isCloseRelative: Bool {
        switch self {
        case .spouse, .parent, .child, .sibling, .grandparent, .grandchild: true
        case .parentInLaw, .childInLaw, .siblingInLaw, .uncleOrAunt, .nephewOrNiece, .cousin: false
        }
    }

    /// The relation seen from the other side: if b is a's parent, a is b's child.
    public var inverse: KinshipRelation {
        switch self {
        case .spouse, .sibling, .siblingInLaw, .cousin: self
        case .parent: .child
        case .child: .parent
        case .grandparent: .grandchild
        case .grandchild: .grandparent
        case .parentInLaw: .childInLaw
        case .childInLaw: .parentInLaw
        case .uncleOrAunt: .nephewOrNiece
        case .nephewOrNiece: .uncleOrAunt
        }
    }

    public var nameZH: String {
        switch self {
        case .spouse: "配偶"
        case .parent: "父母"
        case .child: "子女"
        case .sibling: "兄弟姐妹"
        case .grandparent: "祖父母/外祖父母"
        case .grandchild: "孙子女/外孙子女"
        case .parentInLaw: "公婆/岳父母"
        case .childInLaw: "儿媳/女婿"
        case .siblingInLaw: "姻亲兄弟姐妹"
        case .uncleOrAunt: "叔伯姑舅姨"
        case .nephewOrNiece: "侄甥"
        case .cousin: "堂表兄弟姐妹"
        }
    }

    public var nameEN: String {
        switch self {
        case .spouse: "spouse"
        case .parent: "parent"
        case .child: "child"
        case .sibling: "sibling"
        case .grandparent: "grandparent"
        case .grandchild: "grandchild"
        case .parentInLaw: "parent-in-law"
        case .childInLaw: "child-in-law"
        case .siblingInLaw: "sibling-in-law"
        case .uncleOrAunt: "uncle or aunt"
        case .nephewOrNiece: "nephew or niece"
        case .cousin: "cousin"
        }
    }
}

/// 亲属关联 — a recorded link: `relative` is `person`'s `relation`
/// (`KinshipLink(person: "a", relative: "b", relation: .parent)`: b is a's parent).
///
/// Links are taken as recorded; nothing is inferred (two people with the same recorded
/// parent are not thereby siblings), so the village office records every close tie it
/// needs checked. Closeness is symmetric for close relations (parent ↔ child,
/// grandparent ↔ grandchild), so a link counts in both directions.
public struct KinshipLink: Sendable, Hashable, Codable {
    public var person: PersonID
    public var relative: PersonID
    public var relation: KinshipRelation

    public init(person: PersonID, relative: PersonID, relation: KinshipRelation) {
        self.person = person
        self.relative = relative
        self.relation = relation
    }

    /// Whether this link makes `a` and `b` close relatives (in either direction).
    public func makesCloseRelatives(_ a: PersonID, _ b: PersonID) -> Bool {
        relation.isCloseRelative && relation(of: a, to: b) != nil
    }

    /// What `subject` is to `other` according to this link, or `nil` if the link is not
    /// between them: for `KinshipLink(person: "a", relative: "b", relation: .parent)`,
    /// `relation(of: "b", to: "a")` is `.parent` and `relation(of: "a", to: "b")` is `.child`.
    public func relation(of subject: PersonID, to other: PersonID) -> KinshipRelation? {
        if relative == subject && person == other { return relation }
        if person == subject && relative == other { return relation.inverse }
        return nil
    }
}
