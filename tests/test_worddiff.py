"""The word diff of two revisions (store.text.worddiff): known edits, the rebuild property,
folding and the word counts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storywatch.store.text.worddiff import Fold, Run, diff_words, fold, rebuild, summary


def marked(runs) -> str:
    """The runs as the diff screen marks them, without colour."""
    out = []
    for run in runs:
        if isinstance(run, Fold):
            out.append(f"<{run.words}>")
        elif run.op == "equal":
            out.append(run.text)
        else:
            out.append(("[-%s-]" if run.op == "delete" else "{+%s+}") % run.text)
    return "".join(out)


def test_a_headline_edit():
    runs = diff_words("Pentagon drafts plans for strikes on cartels", "Pentagon approves strikes on cartels")
    assert marked(runs) == "Pentagon [-drafts plans for-]{+approves+} strikes on cartels"
    assert summary(runs) == (1, 3)


def test_a_word_inserted():
    runs = diff_words("Drones struck three labs.", "Drones struck three more labs.")
    assert marked(runs) == "Drones struck three {+more +}labs."
    assert summary(runs) == (1, 0)


def test_a_sentence_removed():
    old = "Officials confirmed the strike. Two people died. The army declined to comment."
    new = "Officials confirmed the strike. The army declined to comment."
    runs = diff_words(old, new)
    assert marked(runs) == "Officials confirmed the strike. [-Two people died. -]The army declined to comment."
    assert summary(runs) == (0, 3)


def test_a_punctuation_only_change():
    runs = diff_words("Sheinbaum said no, troops.", "Sheinbaum said: no troops!")
    assert marked(runs) == "Sheinbaum said{+:+} no[-,-] troops[-.-]{+!+}"
    assert summary(runs) == (0, 0)


def test_identical_texts_are_one_equal_run():
    assert diff_words("Same words.", "Same words.") == [Run("equal", "Same words.")]
    assert diff_words("", "") == []
    assert summary(diff_words("a b", "a b")) == (0, 0)


def test_empty_old_or_new():
    assert diff_words("", "New text here.") == [Run("insert", "New text here.")]
    assert diff_words("Old text.", "") == [Run("delete", "Old text.")]
    assert summary(diff_words("", "New text here.")) == (3, 0)


def test_a_rewritten_sentence_is_one_change_not_a_comb():
    runs = diff_words("alpha beta gamma", "delta epsilon zeta")
    assert runs == [Run("delete", "alpha beta gamma"), Run("insert", "delta epsilon zeta")]


def test_an_edited_paragraph_among_unchanged_ones():
    old = "First paragraph stays.\n\nSecond one says ten people.\n\nThird stays too."
    new = "First paragraph stays.\n\nSecond one says twelve people.\n\nThird stays too."
    runs = diff_words(old, new)
    assert marked(runs) == (
        "First paragraph stays.\n\nSecond one says [-ten-]{+twelve+} people.\n\nThird stays too."
    )


TEXT = st.text(alphabet=st.sampled_from(list("ab c.,\n\tÉé1-")), max_size=60)
WORDS = st.lists(st.sampled_from(["the", "cartel", "strike", ",", ".", " ", "\n\n", "Sinaloa", "x"]), max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXT, TEXT)
def test_the_runs_rebuild_both_texts(old, new):
    runs = diff_words(old, new)
    assert rebuild(runs, "old") == old
    assert rebuild(runs, "new") == new
    assert all(run.text for run in runs)  # no empty runs
    assert all(a.op != b.op for a, b in zip(runs, runs[1:]))  # neighbours always differ
    assert rebuild(fold(runs, context=2), "old") == old  # folding hides, never loses


@settings(max_examples=200, deadline=None, derandomize=True)
@given(WORDS, WORDS)
def test_the_runs_rebuild_word_lists(old, new):
    old, new = "".join(old), "".join(new)
    runs = diff_words(old, new)
    assert (rebuild(runs, "old"), rebuild(runs, "new")) == (old, new)


LONG = " ".join(f"w{n}" for n in range(100))


def test_fold_keeps_context_around_a_change():
    new = LONG.replace("w50", "changed")
    folded = fold(diff_words(LONG, new), context=3)
    assert marked(folded) == "<47>w47 w48 w49 [-w50-]{+changed+} w51 w52 w53<46>"
    assert [run.words for run in folded if isinstance(run, Fold)] == [47, 46]


def test_fold_between_two_changes_keeps_both_sides():
    new = LONG.replace("w10 ", "").replace("w90", "ninety")
    folded = fold(diff_words(LONG, new), context=2)
    assert marked(folded) == "<8>w8 w9 [-w10 -]w11 w12<75>w88 w89 [-w90-]{+ninety+} w91 w92<7>"


def test_fold_leaves_short_stretches_alone():
    runs = diff_words("a b c d e f", "a b X d e f")
    assert fold(runs, context=3) == runs


def test_fold_of_unchanged_text_folds_it_whole():
    assert fold(diff_words(LONG, LONG)) == [Fold(100, LONG)]


def test_summary_ignores_folds_and_counts_words_not_marks():
    runs = diff_words(LONG, LONG.replace("w5 w6", "five, six, seven"))
    assert summary(runs) == summary(fold(runs)) == (3, 2)


def test_a_word_left_between_two_larger_changes_joins_them():
    old = "Officials gave no figure for the dead. The ministry said it had not been told."
    new = "Officials said twelve people died."
    assert marked(diff_words(old, new)) == (
        "Officials [-gave no figure for the dead. The ministry said it had not been told-]"
        "{+said twelve people died+}."
    )


def test_an_added_sentence_is_marked_whole_not_from_the_full_stop_before_it():
    runs = diff_words("They had not been told in advance.", "They had not been told in advance. Mexico protested.")
    assert marked(runs) == "They had not been told in advance.{+ Mexico protested.+}"


def test_a_repeated_word_added_is_one_word_at_a_word_boundary():
    assert marked(diff_words("a b c", "a b b c")) == "a b {+b +}c"
    assert marked(diff_words("x " * 300, "x " * 301)) == "x " * 300 + "{+x +}"
