"""Each user's share of the bot: a burst, then a steady pace; one "slow down"; inline queries apart; admins free."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from telegram import CallbackQuery, Chat, InlineQuery, Message, Update, User

from bot.tg.fairness import BURST, INLINE_BURST, PER_SECOND, Fairness

_ids = count(1)


class Clock:
    """Seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _message(user: int) -> Update:
    number = next(_ids)
    sender = User(user, "u", is_bot=False)
    return Update(number, message=Message(number, datetime(2026, 11, 28, tzinfo=UTC), Chat(user, "private"),
                                          from_user=sender, text="党小组"))  # fmt: skip


def _inline(user: int) -> Update:
    return Update(next(_ids), inline_query=InlineQuery("q", User(user, "u", is_bot=False), "党小组", ""))


def _press(user: int) -> Update:
    return Update(next(_ids), callback_query=CallbackQuery("c", User(user, "u", is_bot=False), "chat", data="v|+|zh"))


class TestFairness:
    def test_a_burst_is_answered_then_one_slow_down_then_nothing(self) -> None:
        """20 messages at once are admitted; the 21st is admitted to be told "slow down"; the rest are not."""
        fairness = Fairness(clock=Clock())
        updates = [_message(7) for _ in range(BURST + 10)]
        admitted = [fairness.admit(u) for u in updates]
        assert admitted == [True] * (BURST + 1) + [False] * 9
        assert [fairness.owes_slow_down(u) for u in updates[BURST - 1 : BURST + 2]] == [False, True, False]
        assert fairness.dropped == 9

    def test_the_share_comes_back_at_its_pace_and_a_later_flood_is_told_again(self) -> None:
        """After the burst, one message a second is admitted; a sender whose share is whole again is told
        "slow down" again at the next flood, but not twice in one."""
        clock = Clock()
        fairness = Fairness(clock=clock)
        for _ in range(BURST + 1):
            fairness.admit(_message(7))
        assert not fairness.admit(_message(7))
        clock.now += 1 / PER_SECOND
        assert fairness.admit(_message(7))
        assert not fairness.admit(_message(7))
        clock.now += BURST / PER_SECOND
        flood = [_message(7) for _ in range(BURST + 2)]
        assert [fairness.admit(u) for u in flood][-2:] == [True, False]
        assert fairness.owes_slow_down(flood[BURST])

    def test_one_senders_flood_leaves_the_others_their_share(self) -> None:
        """Another person's first message is admitted however much someone else sent."""
        fairness = Fairness(clock=Clock())
        for _ in range(500):
            fairness.admit(_message(7))
        assert fairness.admit(_message(8))

    def test_inline_queries_have_a_share_of_their_own_and_are_never_told(self) -> None:
        """Typing fast in inline mode neither uses up the person's messages nor gets a "slow down"."""
        fairness = Fairness(clock=Clock())
        queries = [_inline(7) for _ in range(INLINE_BURST + 5)]
        assert [fairness.admit(u) for u in queries] == [True] * INLINE_BURST + [False] * 5
        assert not any(fairness.owes_slow_down(u) for u in queries)
        assert fairness.admit(_message(7))

    def test_button_presses_count_like_messages(self) -> None:
        """A run of presses is within the share up to the burst, then told once."""
        fairness = Fairness(clock=Clock())
        presses = [_press(7) for _ in range(BURST + 2)]
        assert [fairness.admit(u) for u in presses][-2:] == [True, False]
        assert fairness.owes_slow_down(presses[BURST])

    def test_admins_are_not_limited(self) -> None:
        """An admin's updates are always admitted."""
        fairness = Fairness(admins=frozenset({9}), clock=Clock())
        assert all(fairness.admit(_message(9)) for _ in range(10 * BURST))
