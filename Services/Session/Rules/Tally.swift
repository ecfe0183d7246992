/// Ballots by choice.
public struct BallotCounts: Sendable, Hashable, Codable {
    public var inFavour: Int
    public var against: Int
    public var abstaining: Int

    public init(inFavour: Int = 0, against: Int = 0, abstaining: Int = 0) {
        self.inFavour = inFavour
        self.against = against
        self.abstaining = abstaining
    }

    public var total: Int { inFavour + against + abstaining }

    public static func + (lhs: BallotCounts, rhs: BallotCounts) -> BallotCounts {
        BallotCounts(inFavour: lhs.inFavour + rhs.inFavour, against: lhs.against + rhs.against, abstaining: lhs.abstaining + rhs.abstaining)
    }

    public mutating func add(_ choice: Choice) {
        switch choice {
        case .inFavour: inFavour += 1
        case .against: against += 1
        case .abstain: abstaining += 1
        }
    }
}

/// 计票 — electronic and paper ballots counted together, with the counts by origin, and
/// the vote's rule applied to the total (issue 10 §6).
public struct Tally: Sendable, Hashable {
    public let electronic: BallotCounts
    public let paper: BallotCounts
    public let outcome: VoteOutcome

    public var total: BallotCounts { electronic + paper }

    public init(electronic: BallotCounts, paper: BallotCounts, outcome: VoteOutcome) {
        self.electronic = electronic
        self.paper = paper
        self.outcome = outcome
    }

    /// - `vote.too_many_ballots`: more ballots than the electorate.
    public static func count(electronic: BallotCounts, paper: BallotCounts, rule: VoteRule, figures: VoteFigures) throws(DomainViolation) -> Tally {
        let total = electronic + paper
        try checkBallots(total: total.total, eligible: figures.eligible)
        return Tally(electronic: electronic, paper: paper, outcome: rule.evaluate(inFavour: total.inFavour, figures: figures))
    }

    /// - `vote.too_many_ballots`: the ballots counted would exceed the electorate.
    public static func checkBallots(total: Int, eligible: Int) throws(DomainViolation) {
        guard total <= eligible else {
            throw DomainViolation(
                rule: "vote.too_many_ballots", field: "counts",
                zh: "选票数 \(total) 超过有表决权的人数 \(eligible)", en: "\(total) ballots exceed the electorate of \(eligible)")
        }
    }

    /// `电子票 同意 60、反对 5、弃权 1；纸质票 同意 30、反对 3、弃权 1；…`.
    public var descriptionZH: String {
        "电子票 同意 \(electronic.inFavour)、反对 \(electronic.against)、弃权 \(electronic.abstaining)；"
            + "纸质票 同意 \(paper.inFavour)、反对 \(paper.against)、弃权 \(paper.abstaining)；" + outcome.descriptionZH
    }

    public var descriptionEN: String {
        "electronic \(electronic.inFavour) for, \(electronic.against) against, \(electronic.abstaining) abstaining; "
            + "paper \(paper.inFavour) for, \(paper.against) against, \(paper.abstaining) abstaining; " + outcome.descriptionEN
    }
}
