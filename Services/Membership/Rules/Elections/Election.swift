/// 推选 — an election of a statutory body's members by the villagers' assembly or the
/// representatives' meeting, with the votes each candidate received as counts (issue 8 §8).
///
/// Read as the Organic Law reads it: the meeting is valid with its quorum (``ElectingBody/quorum``:
/// art. 22 过半数 of villagers aged 18+, art. 26 三分之二以上 of the representatives' meeting's
/// members), and a candidate is elected with 过半数 of those present (arts. 22, 26: 所作决定应当
/// 经到会人员的过半数同意) — strictly more than half. Pure: the service stores what this returns.
public struct Election: Sendable, Hashable, Codable {
    /// One candidate's votes.
    public struct Tally: Sendable, Hashable, Codable {
        public var candidate: String
        public var votes: Int

        public init(candidate: String, votes: Int) {
            self.candidate = candidate
            self.votes = votes
        }
    }

    public var body: ElectingBody
    public var heldOn: LocalDate
    /// Those entitled to attend: villagers aged 18+, or the meeting's members.
    public var eligible: Int
    public var present: Int
    public var tallies: [Tally]
    /// 村民会议: the village's households and those represented at the meeting (0 = not
    /// counted). Art. 22: 有本村十八周岁以上村民的过半数，**或者**本村三分之二以上的户的代表参加.
    public var households: Int
    public var householdsPresent: Int

    public init(
        body: ElectingBody, heldOn: LocalDate, eligible: Int, present: Int, tallies: [Tally],
        households: Int = 0, householdsPresent: Int = 0
    ) {
        self.body = body
        self.heldOn = heldOn
        self.eligible = eligible
        self.present = present
        self.tallies = tallies
        self.households = households
        self.householdsPresent = householdsPresent
    }

    /// Whether the meeting had its quorum: by those present, or — for the villagers' assembly
    /// only — by the households represented (art. 22: 三分之二以上的户的代表).
    public var hasQuorum: Bool {
        if body.quorum.evaluate(count: present, of: eligible).passed { return true }
        guard body == .villagersAssembly, households > 0 else { return false }
        return Threshold.twoThirdsOrMore.evaluate(count: householdsPresent, of: households).passed
    }

    /// 当选 — decides every candidate, or refuses the record: a meeting without its quorum
    /// elects nobody (`election.quorum`, with the figures), and counts that cannot be
    /// (`election.counts`) are refused.
    public func outcome() throws(DomainViolation) -> [(candidate: String, votes: Int, elected: Bool)] {
        guard eligible > 0, present >= 0, present <= eligible, !tallies.isEmpty,
              households >= 0, householdsPresent >= 0, householdsPresent <= households,
              tallies.allSatisfy({ $0.votes >= 0 && $0.votes <= present }) else {
            throw DomainViolation(
                rule: "election.counts", field: "votes",
                zh: "应到 \(eligible) 人、实到 \(present) 人，每名候选人得票应在 0 至实到人数之间",
                en: "with \(eligible) entitled and \(present) present, each candidate's votes must lie between 0 and those present")
        }
        let quorum = body.quorum.evaluate(count: present, of: eligible)
        guard hasQuorum else {
            throw DomainViolation(
                rule: "election.quorum", field: "present",
                zh: "\(body.nameZH)应到 \(eligible) 人，实到 \(present) 人，未达到\(body.quorum.descriptionZH)的法定人数（至少 \(quorum.requiredMinimum ?? 0) 人）",
                en: "\(body.nameEN): \(present) of \(eligible) present, short of the quorum of \(body.quorum.descriptionEN) (at least \(quorum.requiredMinimum ?? 0))")
        }
        return tallies.map { tally in
            (tally.candidate, tally.votes, Threshold.majority.evaluate(count: tally.votes, of: present).passed)
        }
    }
}
