import Foundation
import Testing
@testable import AgendaRules

@Suite("TopicApproval — 半数以上与会人员同意 (004), thresholds as data")
struct ApprovalTests {
    static func meeting(_ inFavour: Int, of present: Int) -> (present: [String], ballots: [Ballot]) {
        let names = (1...present).map { "委员\($0)" }
        let ballots = names.enumerated().map { index, name in Ballot(voter: name, vote: index < inFavour ? .inFavour : .against) }
        return (names, ballots)
    }

    @Test("half or more of those present: 4 of 8 adopts, 3 of 8 does not")
    func halfOrMore() throws {
        let four = Self.meeting(4, of: 8)
        let adopted = try TopicApproval.count(present: four.present, ballots: four.ballots, threshold: .halfOrMore)
        #expect(adopted.adopted && adopted.inFavour == 4 && adopted.against == 4 && adopted.present == 8)
        #expect(adopted.outcome.requiredMinimum == 4)
        let three = Self.meeting(3, of: 8)
        let refused = try TopicApproval.count(present: three.present, ballots: three.ballots, threshold: .halfOrMore)
        #expect(!refused.adopted)
        #expect(refused.outcome.descriptionZH == "3/8，不少于二分之一（至少 4）：未通过")
    }

    @Test("a unit reading its rule as 过半数 (strict): 4 of 8 fails, 5 of 8 adopts")
    func strictMajority() throws {
        let strict = try ApprovalThreshold.validated(numerator: 1, denominator: 2, inclusive: false)
        #expect(strict == .majority)
        let four = Self.meeting(4, of: 8)
        #expect(try !TopicApproval.count(present: four.present, ballots: four.ballots, threshold: strict).adopted)
        let five = Self.meeting(5, of: 8)
        #expect(try TopicApproval.count(present: five.present, ballots: five.ballots, threshold: strict).adopted)
    }

    @Test("odd numbers present: 3 of 7 fails, 4 of 7 adopts (half of 7 is 3.5)")
    func odd() throws {
        let three = Self.meeting(3, of: 7)
        #expect(try !TopicApproval.count(present: three.present, ballots: three.ballots, threshold: .halfOrMore).adopted)
        let four = Self.meeting(4, of: 7)
        #expect(try TopicApproval.count(present: four.present, ballots: four.ballots, threshold: .halfOrMore).adopted)
    }

    @Test("those present who do not vote count in the base, abstentions are not in favour")
    func silentAndAbstaining() throws {
        let present = (1...8).map { "委员\($0)" }
        let ballots = [Ballot(voter: "委员1", vote: .inFavour), Ballot(voter: "委员2", vote: .inFavour),
                       Ballot(voter: "委员3", vote: .inFavour), Ballot(voter: "委员4", vote: .abstain)]
        let result = try TopicApproval.count(present: present, ballots: ballots, threshold: .halfOrMore)
        #expect(!result.adopted && result.abstaining == 1 && result.present == 8)
    }

    @Test("a ballot by someone not present is refused, naming the voter")
    func notPresent() {
        do {
            _ = try TopicApproval.count(present: ["甲", "乙"], ballots: [Ballot(voter: "丙", vote: .inFavour)], threshold: .halfOrMore)
            Issue.record("accepted")
        } catch {
            #expect(error.rule == "approval.not_present" && error.field == "ballots" && error.messageZH.contains("丙"))
        }
    }

    @Test("a second ballot by the same person is refused")
    func doubleVote() {
        do {
            _ = try TopicApproval.count(
                present: ["甲", "乙"], ballots: [Ballot(voter: "甲", vote: .inFavour), Ballot(voter: "甲", vote: .against)],
                threshold: .halfOrMore)
            Issue.record("accepted")
        } catch {
            #expect(error.rule == "approval.double_vote" && error.field == "ballots")
        }
    }

    @Test("nobody present, or someone listed twice, is refused")
    func presence() {
        #expect(throws: DomainViolation.self) { try TopicApproval.count(present: [], ballots: [], threshold: .halfOrMore) }
        #expect(throws: DomainViolation.self) { try TopicApproval.count(present: ["甲", "甲"], ballots: [], threshold: .halfOrMore) }
    }

    @Test("the nearest unit's threshold is in force; none on the way up is the seed's 半数以上")
    func inheritance() throws {
        let town = try UnitPath("u331001000000.u331001001000")
        let village = try UnitPath("u331001000000.u331001001000.u331001001001")
        let other = try UnitPath("u331001000000.u331001002000")
        let rules = [ApprovalThreshold(unitPath: town, threshold: .majority)]
        #expect(ApprovalThreshold.effective(rules, at: village).threshold == .majority)
        #expect(ApprovalThreshold.effective(rules, at: village).unitPath == town)
        #expect(ApprovalThreshold.effective(rules, at: other).threshold == .halfOrMore)
        #expect(ApprovalThreshold.effective(rules, at: other).unitPath == nil)
        let override = rules + [ApprovalThreshold(unitPath: village, threshold: .twoThirdsOrMore)]
        #expect(ApprovalThreshold.effective(override, at: village).threshold == .twoThirdsOrMore)
    }

    @Test("an approval threshold is a proper fraction above zero")
    func validation() {
        #expect(throws: DomainViolation.self) { try ApprovalThreshold.validated(numerator: 0, denominator: 2, inclusive: true) }
        #expect(throws: DomainViolation.self) { try ApprovalThreshold.validated(numerator: 3, denominator: 2, inclusive: true) }
        #expect(throws: DomainViolation.self) { try ApprovalThreshold.validated(numerator: 1, denominator: 0, inclusive: true) }
        #expect((try? ApprovalThreshold.validated(numerator: 2, denominator: 3, inclusive: true)) == .twoThirdsOrMore)
    }

    @Test("过半数 of all 7 members: 4 for adopts with only 5 present, 3 for fails though it is most of those present")
    func allMembers() throws {
        let members = (1...7).map { "委员\($0)" }
        let present = Array(members.prefix(5))
        func ballots(_ inFavour: Int) -> [Ballot] {
            present.enumerated().map { Ballot(voter: $1, vote: $0 < inFavour ? .inFavour : .against) }
        }
        let four = try TopicApproval.count(present: present, ballots: ballots(4), threshold: .majority, base: .allMembers, members: members)
        #expect(four.adopted && four.outcome.base == 7 && four.outcome.requiredMinimum == 4 && four.present == 5 && four.members == 7)
        let three = try TopicApproval.count(present: present, ballots: ballots(3), threshold: .majority, base: .allMembers, members: members)
        #expect(!three.adopted && three.outcome.base == 7)
        #expect(three.descriptionZH == "以两委全体成员为基数：3/7，超过二分之一（至少 4）：未通过")
        // The same ballots against those present: 3 of 5 adopts.
        let againstPresent = try TopicApproval.count(present: present, ballots: ballots(3), threshold: .majority, base: .present, members: members)
        #expect(againstPresent.adopted && againstPresent.outcome.base == 5 && againstPresent.descriptionZH == "3/5，超过二分之一（至少 3）：通过")
        // Inclusive half of 8 members: 4 adopts, 3 does not, exactly (integer fractions).
        let eight = (1...8).map { "委员\($0)" }
        let halfOf8 = try TopicApproval.count(
            present: Array(eight.prefix(4)), ballots: eight.prefix(4).map { Ballot(voter: $0, vote: .inFavour) },
            threshold: .halfOrMore, base: .allMembers, members: eight)
        #expect(halfOf8.adopted && halfOf8.outcome.requiredMinimum == 4)
        let threeOf8 = try TopicApproval.count(
            present: Array(eight.prefix(4)), ballots: eight.prefix(3).map { Ballot(voter: $0, vote: .inFavour) },
            threshold: .halfOrMore, base: .allMembers, members: eight)
        #expect(!threeOf8.adopted)
    }

    @Test("an all-members base needs the members recorded, once each, and everyone present among them")
    func membersRequired() {
        func refusal(_ present: [String], members: [String], base: ApprovalBase = .allMembers) -> String? {
            do {
                _ = try TopicApproval.count(present: present, ballots: [], threshold: .majority, base: base, members: members)
                return nil
            } catch {
                return "\(error.rule)/\(error.field ?? "")"
            }
        }
        #expect(refusal(["甲"], members: []) == "approval.members/members")
        #expect(refusal(["甲"], members: ["甲", "甲"]) == "approval.members/members")
        #expect(refusal(["甲", "丙"], members: ["甲", "乙"]) == "approval.not_member/present")
        #expect(refusal(["甲", "丙"], members: ["甲", "乙"], base: .present) == "approval.not_member/present", "members given are checked under either base")
        // Without members, the seed's base needs none.
        #expect(refusal(["甲"], members: [], base: .present) == nil)
    }

    @Test("the base is inherited with the threshold: the nearest unit's rule sets both")
    func baseInherited() throws {
        let town = try UnitPath("u331001000000.u331001001000")
        let village = try UnitPath("u331001000000.u331001001000.u331001001001")
        let rules = [ApprovalThreshold(unitPath: town, threshold: .majority, base: .allMembers)]
        #expect(ApprovalThreshold.effective(rules, at: village).base == .allMembers)
        #expect(ApprovalThreshold.effective([], at: village).base == .present)
        let override = rules + [ApprovalThreshold(unitPath: village, threshold: .halfOrMore, base: .present)]
        #expect(ApprovalThreshold.effective(override, at: village).base == .present)
    }

    @Test("topic numbers are the year and a three-digit sequence")
    func numbers() {
        #expect(TopicApproval.number(year: 2025, sequence: 7) == "2025-007")
        #expect(TopicApproval.number(year: 2025, sequence: 1234) == "2025-1234")
    }
}
