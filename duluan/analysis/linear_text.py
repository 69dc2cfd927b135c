"""A calibrated linear text classifier: the shared core of the topic and sentiment engines.

:class:`LinearTextClassifier` fits a one-vs-rest linear SVM (liblinear) on the n-gram TF-IDF of
:mod:`duluan.analysis.features`, then turns its margins into probabilities with *temperature
scaling* (a softmax whose single temperature is fitted on held-out data by minimum log-loss).
That keeps one model to store and one sparse product to predict, where
``CalibratedClassifierCV`` would keep and run three; on linear models temperature scaling
calibrates about as well.

Weights are stored feature-major (``n_features × n_classes``, float32) so that scoring a batch
is one CSR × dense product and explaining a prediction is a row gather.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self, overload

import numpy as np

from duluan.analysis.cues import TopicCue, cue_margins, cue_terms
from duluan.analysis.features import NgramFeaturizer, TokenBatch
from duluan.analysis.layout import (
    CASE_VALUES,
    LayoutBins,
    layout_values_compiled,
    layout_values_from_codes,
    layout_values_of,
    texts_as_codes,
)
from duluan.analysis.model_io import ModelFileError, in_own_memory, load_model, release_pages, save_model
from duluan.analysis.normalise import PLACEHOLDERS, fold_many
from duluan.analysis.runtime import fork_call
from duluan.analysis.signs import SignColumns, signs_in_codes

# scikit-learn and scipy.optimize are imported where training needs them: they were 1.6 of the
# 1.9 s this module took to import (python -X importtime), paid by every ``duluan classify``.
# So is scipy.special (log_softmax, for training too): importing it for its softmax alone took
# 30 ms of each ``duluan classify`` start-up (2026-11-30); see _softmax.

if TYPE_CHECKING:
    from sklearn.svm import LinearSVC

_BATCH = 8192
# The featurizer counts a batch by sorting one ``row * n_features + column`` key per n-gram
# occurrence, in 32 bits when they fit: prediction cuts its batches so that they do.
_KEY_LIMIT = 1 << 32
# Prediction featurises at most about this many characters at once: the featurizer's arrays of a
# batch grow with its text, and past a few megabytes they no longer stay in the CPU's caches.
_CHARS = 1 << 20
# Labels of at least this many characters of raw text in one call (unless the caller says) are
# scored by the compiled loops (NgramFeaturizer.compiled_margins). Their first use in a process
# takes 0.6-0.8 s (numba's import and cached machine code, the tables; 10 s the very first time,
# to compile), and they save about 45 ns a character: VNTC articles (2,130 characters) 178-190
# -> 86-113 µs each with a model trained on VNTC, TC201805 leads 26-32 -> 14-22 with the shipped
# topic model (predict_labels, one core, three alternating runs, 2026-12-01). So they pay from
# some 15 million characters: 7,000 articles, 60,000 leads.
_COMPILED_MIN_CHARS = 1 << 24
# Weights of the naive Bayes view tried on the calibration split (0 = the SVM alone).
_NB_WEIGHTS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.5)


#: A fit's progress: the stages done, the stages in all, and the one that starts now ("" once
#: all are done). The stages are not of equal length: learning the weights takes most of the time
#: (39 of the 45 s of the shipped topic model's fit, 51 of the sentiment model's 61; 2026-12-04).
FitProgress = Callable[[int, int, str], None]

#: What each stage of :meth:`LinearTextClassifier.fit` does, as a progress bar says it.
STAGES = {
    "mask": "che địa danh",
    "copies": "thêm bản không dấu",
    "features": "đếm n-gram",
    "weights": "học trọng số",
}


def _stage_reporter(progress: FitProgress | None, stages: list[str]) -> Callable[[str | None], None]:
    """A function to call with each of ``stages`` (keys of :data:`STAGES`) as it starts, and with
    ``None`` at the end, which tells ``progress``; a stage not in ``stages`` is not told."""

    def at(stage: str | None) -> None:
        if progress is None:
            return
        if stage is None:
            progress(len(stages), len(stages), "")
        elif stage in stages:
            progress(stages.index(stage), len(stages), STAGES[stage])

    return at


def fit_progress_bar(title: str) -> FitProgress:
    """A :data:`FitProgress` that draws a bar of the stages on stderr (tqdm), titled ``title``
    and the stage under way, with the time spent, which goes on counting within a stage (a
    thread redraws it each second); closed when the fit ends."""
    import threading

    from tqdm import tqdm

    bar: Any = None
    stop = threading.Event()
    ticker: threading.Thread | None = None

    def tick() -> None:
        while not stop.wait(1.0):
            bar.refresh()

    def show(done: int, total: int, stage: str) -> None:
        nonlocal bar, ticker
        described = f"{title}: {stage}" if stage else title
        if bar is None:
            bar = tqdm(total=total, desc=described, file=sys.stderr, bar_format=_STAGE_BAR)
            stop.clear()
            ticker = threading.Thread(target=tick, name="fit-progress", daemon=True)
            ticker.start()
        else:
            bar.set_description_str(described, refresh=False)
        bar.update(done - bar.n)
        bar.refresh()  # every stage is shown, however soon it follows the last (tqdm's update waits)
        if done >= total:
            stop.set()
            if ticker is not None:
                ticker.join()
            bar.close()
            bar = ticker = None

    return show


# "Huấn luyện: học trọng số  3/4 [00:12]": the stages counted, the time spent (no rate or
# remaining time: the stages differ in length).
_STAGE_BAR = "{desc}  {n_fmt}/{total_fmt} [{elapsed}]"


class LinearTextClassifier:
    """Linear SVM over syllable and character n-grams with calibrated scores.

    Args:
        word_ngram_range: Syllable n-gram lengths, e.g. ``(1, 2)``.
        char_ngram_range: Character n-gram lengths, e.g. ``(2, 5)``, or ``None``.
        n_word_features: Hash buckets for syllable n-grams.
        n_char_features: Hash buckets for character n-grams.
        min_count: Syllables seen fewer times in training are ignored.
        char_weight: Weight of the character block against the syllable block.
        C: Inverse regularisation of the SVM.
        class_weight: ``None`` or ``"balanced"`` (as in scikit-learn).
        calibration_fraction: Share of the training rows held out to fit the temperature; the
            SVM is then refitted on all rows. ``0`` skips calibration (temperature 1).
        random_state: Seed of the held-out split.
        top_terms: How many explaining terms :meth:`explain` returns per text.
        nb_blend: Also fit a multinomial naive Bayes on the same TF-IDF rows and add its
            (class-centred) log-probabilities to the SVM margins with the weight that gives the
            least log-loss on the calibration split (see :meth:`fit`). Both are linear in the
            same features, so the blend is folded into one weight matrix: prediction costs
            nothing more.
        nb_alpha: Additive smoothing of that naive Bayes.
        nb_svm_C: Also fit, each class against the rest, an SVM with this ``C`` on the features
            scaled by the class's naive Bayes log-count ratio (NBSVM, Wang & Manning 2012), and
            add its margins to the main SVM's (``0``: off). Scaling a feature column by ``r`` and
            learning ``w`` is the linear model ``r * w`` on the unscaled column, so the sum is
            folded into one weight matrix: prediction costs nothing more; training about twice
            as much. The two views of the same n-grams err on different texts; the figures are
            printed by ``bench/bench_models.py --only sentiment_cv``.
        lead_tokens: See :class:`~duluan.analysis.features.NgramFeaturizer` (``0``: off).
        negation_scope: Read the syllables a negator governs ("không", "chưa", …; this many
            after it, within its clause) apart from the same syllables unnegated
            (:mod:`duluan.analysis.negation`; ``0``: off). The compiled loops that read a text's
            characters do not apply to such a model: those that read its syllables do.
        quiet_intensifiers: Read the intensifiers no negator governs ("rất", "cực kỳ", …;
            :data:`~duluan.analysis.negation.INTENSIFIERS`) as no syllable, so that the word
            they strengthen keeps its own weight (as ``negation_scope`` for the compiled loops).
        quiet_courtesy: Read the sentences of courtesy of a letter ("Kính gửi …", "Tôi xin chân
            thành cảm ơn!") and the thanks before a "but" as no syllables
            (:mod:`duluan.analysis.courtesy`; likewise for the compiled loops).
        accent_free_copies: Also train on each training text's accent-free form
            (:func:`~duluan.analysis.normalise.fold`: no diacritics, ``đ`` as ``d``), with its
            label and weight, where it differs. People often type without diacritics (SMS, chat,
            a phone's keyboard); a model that only saw accented text reads such a text as
            unknown n-grams. Prediction is unchanged (the same features, one pass); training
            takes about twice as long. The shipped models, without and with copies
            (``bench/bench_models.py --only accent_free``, 2026-12-01): government-taxonomy
            gold set folded, macro-F1 3.4 and 78.2 (as written 78.1 and 77.8); UIT-VSFC dev
            folded, weighted-F1 67.2 and 90.5 (as written 90.8 and 91.3).
        layout_weight: Also read each text's layout (:mod:`duluan.analysis.layout`: line breaks,
            punctuation, number formats, capitals), as indicator features of this value beside
            the n-grams (``0``: off). Their weights are kept apart from the n-grams'
            (``layout_coef_``); the compiled loops score the n-grams as before, and the layout's
            part is added to their margins.
        layout_case: Read the layout's capitals too (:data:`~duluan.analysis.layout.CASE_VALUES`);
            ``False`` leaves them out, so that a text typed all in small letters, as people
            often type a message, reads as it does capitalised.
        sign_weight: Also read the emoji each text holds (:mod:`duluan.analysis.signs`), each
            seen in at least ``min_count`` training texts as an indicator feature of this value
            (``0``: off); like the layout's, their weights are kept apart (``sign_coef_``) and
            their part is added to the margins.
        unread_signs: Emoji (code points) never read, however often the training texts hold
            them: those whose sense the training texts do not give the platform's readers.
        mask_places: Read every administrative unit the gazetteer finds in a text as one
            placeholder, in training and in prediction of raw texts
            (:mod:`duluan.analysis.places.masking`), so that a text's label and score do not
            depend on which commune it names. A :class:`TokenBatch` must come masked already (the
            pipeline's steps do it with the places they found).
        cues: :class:`~duluan.analysis.cues.TopicCue` pairs of phrases whose nearness in a text
            multiplies the odds of their topic by ``exp(boost)``, on every way of predicting
            (not learnt: the shipped government model takes its taxonomy's, see
            :func:`~duluan.analysis.topic.build_government_topic_model`). A model with cues
            reads texts as strings, never as code points (:meth:`margins_of_codes`).
    """

    # Prediction also takes a TokenBatch: steps that split a batch once pass it to every model.
    reads_token_batches: ClassVar[bool] = True
    # Models saved before the parameter existed were trained without copies.
    accent_free_copies: bool = False
    # Nor did they read the layout; those that did read its capitals.
    layout_weight: float = 0.0
    layout_case: bool = True
    # Nor have an NBSVM part.
    nb_svm_C: float = 0.0
    # Nor hide place names.
    mask_places: bool = False
    # Nor read negated syllables apart, nor quiet intensifiers.
    negation_scope: int = 0
    quiet_intensifiers: bool = False
    quiet_courtesy: bool = False
    # Nor have cues.
    cues: tuple[TopicCue, ...] = ()
    layout_bins_: LayoutBins | None = None
    layout_coef_: np.ndarray | None = None
    # Nor read emoji.
    sign_weight: float = 0.0
    unread_signs: tuple[int, ...] = ()
    signs_: SignColumns | None = None
    sign_coef_: np.ndarray | None = None

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] | None = None,
        n_word_features: int = 1 << 20,
        n_char_features: int = 1 << 18,
        min_count: int = 2,
        char_weight: float = 1.0,
        C: float = 0.5,
        class_weight: str | None = None,
        calibration_fraction: float = 0.1,
        random_state: int = 0,
        top_terms: int = 5,
        nb_blend: bool = False,
        nb_alpha: float = 0.01,
        nb_svm_C: float = 0.0,
        lead_tokens: int = 0,
        negation_scope: int = 0,
        quiet_intensifiers: bool = False,
        quiet_courtesy: bool = False,
        accent_free_copies: bool = False,
        layout_weight: float = 0.0,
        layout_case: bool = True,
        sign_weight: float = 0.0,
        unread_signs: Sequence[int] = (),
        mask_places: bool = False,
        cues: Sequence[TopicCue] = (),
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.n_word_features = n_word_features
        self.n_char_features = n_char_features
        self.min_count = min_count
        self.char_weight = char_weight
        self.C = C
        self.class_weight = class_weight
        self.calibration_fraction = calibration_fraction
        self.random_state = random_state
        self.top_terms = top_terms
        self.nb_blend = nb_blend
        self.nb_alpha = nb_alpha
        self.nb_svm_C = nb_svm_C
        self.lead_tokens = lead_tokens
        self.negation_scope = negation_scope
        self.quiet_intensifiers = quiet_intensifiers
        self.quiet_courtesy = quiet_courtesy
        self.accent_free_copies = accent_free_copies
        self.layout_weight = layout_weight
        self.layout_case = layout_case
        self.sign_weight = sign_weight
        self.unread_signs = tuple(unread_signs)
        self.mask_places = mask_places
        self.cues = tuple(cues)

    @overload
    def masked(self, texts: TokenBatch) -> TokenBatch: ...
    @overload
    def masked(self, texts: Sequence[str]) -> list[str]: ...
    def masked(self, texts: Sequence[str] | TokenBatch) -> list[str] | TokenBatch:
        """The texts as this model reads them: strings (``None`` as empty), their places masked
        when it masks them (see ``mask_places``); a :class:`TokenBatch` as it is (its maker
        masks it). For callers that split texts into a batch themselves; every method given
        raw texts does it."""
        if isinstance(texts, TokenBatch):
            return texts
        clean = ["" if t is None else str(t) for t in texts]
        if self.mask_places:
            from duluan.analysis.places.masking import mask_places

            return mask_places(clean)
        return clean

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
        *,
        progress: FitProgress | None = None,
    ) -> LinearTextClassifier:
        """Learn features, weights and the score temperature.

        Args:
            texts: Training texts.
            labels: One label per text (at least two distinct labels).
            sample_weight: Optional weight per text (e.g. officials' confirmations weighted up).
            progress: Told of each stage as it starts, and once more when all are done (see
                :data:`FitProgress`; :func:`fit_progress_bar` draws them).

        Returns:
            ``self``.
        """
        masking = self.mask_places and not isinstance(texts, TokenBatch)
        stage = _stage_reporter(
            progress,
            [
                *(["mask"] if masking else []),
                *(["copies"] if self.accent_free_copies else []),
                "features",
                "weights",
            ],
        )
        stage("mask")
        texts = self.masked(texts)
        y = np.asarray([str(label) for label in labels])
        if len(texts) != y.size:
            raise ValueError("texts and labels differ in length")
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if weights is not None and weights.size != y.size:
            raise ValueError("sample_weight and labels differ in length")
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValueError("need at least two distinct labels to train a classifier")
        originals = y
        sources = np.zeros(0, dtype=np.int64)
        if self.accent_free_copies:
            stage("copies")
            texts, y, weights, sources = _with_accent_free_copies(texts, y, weights)
        stage("features")
        self.featurizer_ = NgramFeaturizer(
            word_ngram_range=self.word_ngram_range,
            char_ngram_range=self.char_ngram_range,
            n_word_features=self.n_word_features,
            n_char_features=self.n_char_features,
            min_count=self.min_count,
            char_weight=self.char_weight,
            lead_tokens=self.lead_tokens,
            negation_scope=self.negation_scope,
            quiet_intensifiers=self.quiet_intensifiers,
            quiet_courtesy=self.quiet_courtesy,
        )
        x = self.featurizer_.fit_transform(texts)
        self.layout_bins_ = None
        if self.layout_weight:
            import scipy.sparse as sp

            values = layout_values_of(texts)
            self.layout_bins_ = LayoutBins.fit(values, ignore=() if self.layout_case else CASE_VALUES)
            x = sp.hstack([x, self.layout_bins_.matrix(values, self.layout_weight)], format="csr")
        self.signs_ = None
        if self.sign_weight:
            import scipy.sparse as sp

            signs = signs_in_codes(texts_as_codes(texts))
            self.signs_ = SignColumns.fit(signs, self.min_count, self.unread_signs)
            x = sp.hstack([x, self.signs_.matrix(signs, len(texts), self.sign_weight)], format="csr")
        self.temperature_ = 1.0
        self.nb_weight_ = 0.0
        stage("weights")
        if self._can_calibrate(originals):
            # The final fits (the SVM, and the NBSVM part) train in a forked process while this
            # one calibrates: liblinear's random generator is one global state, so in two threads
            # the fits would change each other's result, and in two processes each fit is the one
            # it would be alone. The topic model of VNTC's 33,709 articles trained in 47.8 s
            # against 66.4 one fit after the other, the same model to the last bit (two cores,
            # 2026-12-02). The sentiment model's NBSVM part trained here after the calibration
            # until 2026-12-05: its fits took 25.4 (calibration SVM), 26.4 (calibration NBSVM),
            # 26.9 (final SVM, forked) and 30.3 s (final NBSVM), so one core idled for 56 s; the
            # whole build took 98.1 s, and 75.1 with both final fits forked, the same weights.
            final = fork_call(self._fit_final, x, y, weights)
            self._calibrate(x, y, weights, sources)
            svm, nb_part = final.result()
        else:
            svm, nb_part = self._fit_final(x, y, weights)
        self._store(svm)
        if nb_part is not None:
            coef, intercept = nb_part
            self.coef_ += coef
            self.intercept_ += intercept
        if self.nb_weight_:
            self.coef_ += np.float32(self.nb_weight_) * self._fit_nb(x, y, weights)
        # The layout's columns, then the signs', follow the n-grams': their weights are kept
        # apart. An indicator's value is the weight: its part of a margin is its row times it.
        n = self.featurizer_.n_features_
        self.layout_coef_ = self.sign_coef_ = None
        if self.layout_bins_ is not None:
            end = n + self.layout_bins_.n_columns
            self.layout_coef_ = np.ascontiguousarray(self.coef_[n:end] * np.float32(self.layout_weight))
            n = end
        if self.signs_ is not None:
            self.sign_coef_ = np.ascontiguousarray(self.coef_[n:] * np.float32(self.sign_weight))
        self.coef_ = np.ascontiguousarray(self.coef_[: self.featurizer_.n_features_])
        stage(None)
        return self

    def _calibrate(self, x, y: np.ndarray, weights, sources: np.ndarray) -> None:
        """Fit ``temperature_`` (and ``nb_weight_``) on a held-out share of the training rows.

        ``sources`` are the rows that the last ``len(sources)`` rows are accent-free copies of:
        the share is drawn from the other rows, and each copy goes to its original's side, so
        that no text is scored on a fit that saw it in another spelling.
        """
        tr, ho = _calibration_split(y, sources, self.calibration_fraction, self.random_state)
        w_tr = None if weights is None else weights[tr]
        svm = self._fit_svm(x[tr], y[tr], w_tr)
        margins = self._margins(svm, x[ho])
        if self.nb_svm_C:
            coef, intercept = self._fit_nb_svm(x[tr], y[tr], w_tr)
            margins += x[ho] @ coef + intercept
        target = np.searchsorted(self.classes_, y[ho])
        if self.nb_blend:
            nb_scores = x[ho] @ self._fit_nb(x[tr], y[tr], w_tr)
            # Choose the view's weight and the temperature together, by held-out log-loss.
            fits = [(w, *_fit_temperature(margins + w * nb_scores, target, loss=True)) for w in _NB_WEIGHTS]
            self.nb_weight_, self.temperature_, _ = min(fits, key=lambda f: f[2])
        else:
            self.temperature_, _ = _fit_temperature(margins, target, loss=True)

    def _fit_nb(self, x, y, weights) -> np.ndarray:
        """Return ``(n_features, n_classes)`` naive Bayes log-probabilities, centred per feature.

        Centring subtracts the same amount from every class's score of a row, so it changes
        neither the decision nor the softmax; it keeps the weights signed like an SVM's, so that
        explanations still name the terms that speak *for* a class.
        """
        from sklearn.naive_bayes import MultinomialNB

        nb = MultinomialNB(alpha=self.nb_alpha).fit(x, y, sample_weight=weights)
        logp = np.zeros((self.classes_.size, x.shape[1]), dtype=np.float64)
        logp[np.searchsorted(self.classes_, nb.classes_)] = nb.feature_log_prob_
        logp -= logp.mean(axis=0)
        return np.ascontiguousarray(logp.T, dtype=np.float32)

    def _fit_nb_svm(self, x, y: np.ndarray, weights) -> tuple[np.ndarray, np.ndarray]:
        """Return the NBSVM part (see ``nb_svm_C``): ``(n_features, n_classes)`` weights, already
        multiplied by each class's log-count ratios, and one intercept per class.

        The ratios are of the rows holding each feature (binarised, as in the paper), with
        add-one smoothing, each class against the rest; a class absent from ``y`` (a calibration
        subset) gets zeros.
        """
        import scipy.sparse as sp

        present = (x != 0).astype(np.float64).T.tocsr()
        rows = np.ones(y.size) if weights is None else weights
        everywhere = present @ rows
        coef = np.zeros((x.shape[1], self.classes_.size), dtype=np.float32)
        intercept = np.zeros(self.classes_.size, dtype=np.float32)
        for k, label in enumerate(self.classes_):
            mine = y == label
            if not mine.any() or mine.all():
                continue
            in_class = present @ (rows * mine)
            pos, neg = in_class + 1.0, everywhere - in_class + 1.0
            ratio = np.log(pos / pos.sum()) - np.log(neg / neg.sum())
            svm = self._svm(self.nb_svm_C).fit(x @ sp.diags(ratio), mine, sample_weight=weights)
            coef[:, k] = svm.coef_[0] * ratio
            intercept[k] = svm.intercept_[0]
        return coef, intercept

    def recipe(self) -> dict[str, bool | float]:
        """The training settings a model file records with its other facts (``train`` and
        ``models build`` write the same ones)."""
        return {
            "accent_free_copies": bool(self.accent_free_copies),
            "layout_weight": float(self.layout_weight),
            "layout_case": bool(self.layout_case),
            "sign_weight": float(self.sign_weight),
            "nb_svm_C": float(self.nb_svm_C),
            "negation_scope": int(self.negation_scope),
            "quiet_intensifiers": bool(self.quiet_intensifiers),
            "quiet_courtesy": bool(self.quiet_courtesy),
        }

    def _can_calibrate(self, y: np.ndarray) -> bool:
        if self.calibration_fraction <= 0:
            return False
        _, counts = np.unique(y, return_counts=True)
        n_held = round(self.calibration_fraction * y.size)
        return counts.min() >= 2 and n_held >= self.classes_.size

    def _fit_final(self, x, y, weights) -> tuple[LinearSVC, tuple[np.ndarray, np.ndarray] | None]:
        """The SVM on every training row, and the NBSVM part (``None`` without one)."""
        svm = self._fit_svm(x, y, weights)
        return svm, (self._fit_nb_svm(x, y, weights) if self.nb_svm_C else None)

    def _fit_svm(self, x, y, weights) -> LinearSVC:
        return self._svm(self.C).fit(x, y, sample_weight=weights)

    def _svm(self, C: float) -> LinearSVC:
        """An unfitted LinearSVC of this model's settings, with this ``C``."""
        from sklearn.svm import LinearSVC

        # A fixed seed: liblinear shuffles rows, and the global RNG would make fits differ by run.
        return LinearSVC(
            C=C, class_weight=self.class_weight, dual=True, max_iter=2000, random_state=self.random_state
        )

    def _margins(self, svm: LinearSVC, x) -> np.ndarray:
        scores = np.asarray(svm.decision_function(x), dtype=np.float64)
        if scores.ndim == 1:  # binary: scikit-learn gives the positive class margin only
            scores = np.column_stack([-scores, scores]) / 2.0
        # Columns in self.classes_ order: a class missing from a calibration subset gets -inf.
        full = np.full((x.shape[0], self.classes_.size), -1e3)
        full[:, np.searchsorted(self.classes_, svm.classes_)] = scores
        return full

    def _store(self, svm: LinearSVC) -> None:
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float32)
        if coef.shape[0] == 1:
            coef = np.vstack([-coef, coef]) / 2.0
            intercept = np.array([-intercept[0], intercept[0]], dtype=np.float32) / 2.0
        self.coef_ = np.ascontiguousarray(coef.T)  # (n_features, n_classes)
        self.intercept_ = intercept

    # -- prediction -----------------------------------------------------------------------------

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Return raw margins, one column per class in ``classes_`` order.

        Args:
            texts: Texts to score.

        Returns:
            ``(len(texts), n_classes)`` float32 array.
        """
        texts = self.masked(texts)
        out = np.empty((len(texts), self.classes_.size), dtype=np.float32)
        packed = self._packed_weights()
        for s, e in self.batch_bounds(texts):
            if packed is None:
                margins = self.featurizer_.transform(texts[s:e]) @ self.coef_
            else:
                margins = self.featurizer_.transform_scores(texts[s:e], packed, naming=False)[2]
            # The layout's part before the intercept, as _predict adds them.
            out[s:e] = self._with_layout(margins, texts[s:e]) + self.intercept_
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return calibrated class probabilities (rows sum to one).

        Args:
            texts: Texts to score.

        Returns:
            ``(len(texts), n_classes)`` array in ``classes_`` order.
        """
        return _softmax(self.decision_function(texts).astype(np.float64) * self.temperature_)

    def predict_labels(
        self, texts: Sequence[str] | TokenBatch, compiled: bool | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fast path: the best label and its calibrated probability, without explanations.

        Args:
            texts: Texts to classify, or their :func:`~duluan.analysis.features.tokenise_batch`.
            compiled: Score raw texts by the compiled loops
                (:meth:`~duluan.analysis.features.NgramFeaturizer.compiled_margins`; the same
                labels and scores, faster once they are loaded): ``None`` when this process has
                used them already or the texts are many (``_COMPILED_MIN_CHARS``). Models with
                character n-grams, and a :class:`TokenBatch`, are always scored by numpy.

        Returns:
            ``(labels, scores)`` arrays of length ``len(texts)``.
        """
        labels, scores, _, _, _ = self._predict(texts, explain=False, compiled=compiled)
        return labels, scores

    def _predict(
        self,
        texts: Sequence[str] | TokenBatch,
        explain: bool,
        words_only: bool = False,
        runner_up: bool = False,
        compiled: bool | None = False,
        probability_of: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray, list, np.ndarray | None, np.ndarray | None]:
        """Labels, calibrated scores, (optionally) explaining terms, (optionally) each text's
        second most probable label and (optionally) its probability of one class, one feature
        pass per batch.

        ``texts`` may be a :class:`~duluan.analysis.features.TokenBatch`, already split (then it is
        one batch, whatever its size). With ``words_only``, each text's terms are a list of the
        words alone (see :meth:`~duluan.analysis.features.NgramFeaturizer.explain_matrix`).
        Without ``runner_up`` the fourth item is ``None``; the fifth is each text's probability of
        the class ``probability_of``, ``None`` when none is asked or the model has no such class.
        ``compiled``: as in :meth:`predict_labels` (never with explanations, which compiled loops
        give once :meth:`load_compiled_explain` loaded them).
        """
        if isinstance(texts, TokenBatch):
            chunks: list = [texts]
        else:
            clean = self.masked(texts)
            chunks = [clean[s:e] for s, e in self.batch_bounds(clean)]
        best, scores, terms, seconds, asked = [], [], [], [], []
        asked_column = None
        if probability_of is not None and probability_of in self.classes_:
            asked_column = int(np.searchsorted(self.classes_, probability_of))
        packed = self._packed_weights()
        if explain or isinstance(texts, TokenBatch):
            compiled = False
        elif compiled is None:
            compiled = self.compiled_loaded() or sum(map(len, clean)) >= _COMPILED_MIN_CHARS
        for chunk in chunks:
            x = explained = None
            margins = self.featurizer_.compiled_margins(chunk, self.coef_) if compiled else None
            layout = self._layout_part(chunk)
            if explain:  # by compiled loops once loaded, with the terms (else None)
                # They explain the best class of the margins with the layout's part too.
                explained = self.featurizer_.typed_explain(
                    chunk,
                    self.coef_,
                    self.intercept_,
                    self.top_terms + _SPARE_TERMS,
                    words_only=words_only,
                    layout=layout,
                    hidden=self._hidden_syllable(),
                )
                if explained is not None:
                    margins = explained[0]
            if margins is None and packed is not None and not explain:
                margins = self.featurizer_.typed_scores(chunk, packed)  # once loaded
            if margins is None and packed is None:
                x, batch = self.featurizer_.transform_batch(chunk, naming=explain)
                margins = x @ self.coef_
            elif margins is None:
                x, batch, margins = self.featurizer_.transform_scores(chunk, packed, naming=explain)
            if layout is not None:
                margins = margins + layout
            proba = self._probabilities(margins)
            top = proba.argmax(axis=1)
            best.append(top)
            rows = np.arange(top.size)
            scores.append(proba[rows, top])
            if asked_column is not None:
                asked.append(proba[:, asked_column].copy())  # before the runner-up's mark below
            if runner_up:
                proba[rows, top] = -1.0  # probabilities are never negative: the best is out
                seconds.append(proba.argmax(axis=1))
            if explain:
                # The loops explain the first largest margin: the most probable class unless two
                # margins round alike through the softmax, which is then explained as before.
                if explained is not None and np.array_equal(explained[1], top):
                    terms.extend(explained[2])
                    continue
                if x is None:
                    x, batch = self.featurizer_.transform_batch(chunk)
                terms.extend(
                    self.featurizer_.explain_matrix(
                        x,
                        batch,
                        self.coef_,
                        top,
                        top=self.top_terms + _SPARE_TERMS,
                        words_only=words_only,
                        hidden=self._hidden_syllable(),
                    )
                )
        best_all = np.concatenate(best) if best else np.zeros(0, dtype=np.int64)
        scores_all = np.concatenate(scores) if scores else np.zeros(0, dtype=np.float64)
        second_all = None
        if runner_up:
            second_all = self.classes_[np.concatenate(seconds) if seconds else np.zeros(0, dtype=np.int64)]
        if explain:
            terms = _shown_terms(terms, self.top_terms)
        if explain and self.negation_scope:
            terms = _negations_readable(terms)
        labels = self.classes_[best_all]
        if explain and self.cues:
            strings = texts.texts if isinstance(texts, TokenBatch) else clean
            terms = cue_terms(
                strings, labels, terms, self.cues, self.temperature_, self.top_terms, words_only
            )
        asked_all = None
        if asked_column is not None:
            asked_all = np.concatenate(asked) if asked else np.zeros(0, dtype=np.float64)
        return labels, scores_all, terms if explain else [()] * best_all.size, second_all, asked_all

    def _with_layout(
        self, margins: np.ndarray, texts: Sequence[str] | None = None, codes: np.ndarray | None = None
    ) -> np.ndarray:
        """``margins`` of the n-grams plus the part of the texts' layout (of ``texts``, or of the
        texts given as ``codes``: code points apart by a zero), for a model that reads it; float32.
        """
        part = self._layout_part(texts, codes, margins.shape[0])
        return margins if part is None else margins + part

    def _layout_part(
        self,
        texts: Sequence[str] | TokenBatch | None,
        codes: np.ndarray | None = None,
        n: int | None = None,
    ) -> np.ndarray | None:
        """The part of the texts' layout and of their cues in their margins (``(n, n_classes)``
        float32), or ``None`` for a model that reads neither (or no texts, or none fires).
        ``texts`` are strings or a :class:`TokenBatch` (whose syllables tell the cues which
        texts to read), but for texts given as ``codes``, which a model with cues is never given."""
        part = None
        strings = texts.texts if isinstance(texts, TokenBatch) else texts
        if self.cues and strings is not None and len(strings):
            part = cue_margins(texts, self.classes_, self.cues, self.temperature_)
        n = len(strings) if n is None else n
        if (self.layout_coef_ is None and self.sign_coef_ is None) or not n:
            return part
        compiled = codes is not None  # (given by the compiled loops' callers: numba is loaded)
        if codes is None:
            codes = texts_as_codes(strings)
        if self.layout_coef_ is not None:
            values = layout_values_compiled(codes, n) if compiled else layout_values_from_codes(codes, n)
            layout = self.layout_coef_[self.layout_bins_.columns(values)].sum(axis=1, dtype=np.float32)
            part = layout if part is None else layout + part
        if self.sign_coef_ is not None:
            signed = self.signs_.part(signs_in_codes(codes), n, self.sign_coef_)
            if signed is not None:
                part = signed if part is None else part + signed
        return part

    def _probabilities(self, margins: np.ndarray) -> np.ndarray:
        """The calibrated probabilities of margins (float32, without the intercept)."""
        return _softmax((margins + self.intercept_).astype(np.float64) * self.temperature_)

    def marked_margins(self, texts: Sequence[str], marks: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The margins of raw texts by the compiled loops (without the intercept), and per text
        whether one of its syllables has its hash in ``marks``
        (:meth:`~duluan.analysis.features.NgramFeaturizer.compiled_margins_marked`), or ``None``
        where the loops do not score these texts."""
        texts = self.masked(texts)
        found = self.featurizer_.compiled_margins_marked(texts, self.coef_, marks)
        return None if found is None else (self._with_layout(found[0], texts), found[1])

    def margins_of_codes(self, codes: np.ndarray, marks: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`marked_margins` of texts given as their code points (uint32, NFC, apart by a
        zero) whose tones are not placed: they are placed as the syllables are looked up
        (:meth:`~duluan.analysis.features.NgramFeaturizer.compiled_code_margins`); ``None`` for a
        model that masks places or has cues, which reads texts as strings, or that reads negated
        syllables apart (``negation_scope``), which reads them split."""
        if self.mask_places or self.cues:
            return None
        found = self.featurizer_.compiled_code_margins(codes, self.coef_, marks)
        return None if found is None else (self._with_layout(found[0], codes=codes), found[1])

    def labels_of_margins(self, margins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`predict_labels` of texts whose margins (``decision_function`` without the
        intercept, as :meth:`~duluan.analysis.features.NgramFeaturizer.compiled_margins` gives
        them) are ``margins``: the best label and its calibrated probability."""
        proba = self._probabilities(margins)
        top = proba.argmax(axis=1)
        return self.classes_[top], proba[np.arange(top.size), top]

    def load_compiled(self, placing: bool = False) -> bool:
        """Load the compiled scoring loops of :meth:`predict_labels` now (say, before forking
        workers, which then inherit them); return whether this model can use them.

        A model of syllable n-grams scores raw texts by them
        (:meth:`~duluan.analysis.features.NgramFeaturizer.compiled_margins`), with ``placing``
        also texts given as code points (:meth:`margins_of_codes`); one with character n-grams
        and packed weights scores its texts' syllables by them when not explaining
        (:meth:`~duluan.analysis.features.NgramFeaturizer.typed_scores`).
        """
        if self.featurizer_.compiled_margins(["."], self.coef_) is not None:
            if placing:
                self.featurizer_.load_compiled_placing(self.coef_)
            self._release_mapped()
            return True
        self._own_weights()
        packed = self._packed_weights()
        return packed is not None and self.featurizer_.load_typed_scores(packed)

    def load_compiled_explain(self) -> bool:
        """Load now the compiled loops that score and explain texts given as their syllables
        (:meth:`~duluan.analysis.features.NgramFeaturizer.typed_explain`: the topic step's
        batches, explained); return whether they apply to this model (syllable n-grams only)."""
        if not self.featurizer_.load_typed_explain(self.coef_):
            return False
        self._release_mapped()
        return True

    def _release_mapped(self) -> None:
        """Give back the pages of a mapped model file under the weights and the idf, once the
        compiled loops have their packed copy (:meth:`~duluan.analysis.features.NgramFeaturizer.packed_rows`,
        made before any fork, shared by the workers): the arrays stay mapped and are read again
        only by the numpy paths."""
        release_pages(self.coef_)
        release_pages(self.featurizer_.idf_)

    def _own_weights(self) -> None:
        """Move the weights and the idf out of a mapped model file, for the compiled loops that
        read their rows at random (see :func:`~duluan.analysis.model_io.in_own_memory`)."""
        self.coef_ = in_own_memory(self.coef_)
        self.featurizer_.idf_ = in_own_memory(self.featurizer_.idf_)

    def compiled_loaded(self) -> bool:
        """Whether this process has loaded the compiled scoring loops for this model."""
        return "_compiled" in self.featurizer_.__dict__ or "_typed" in self.featurizer_.__dict__

    def _packed_weights(self) -> np.ndarray | None:
        """The weights with the idf beside them, for models of at most three classes (else ``None``).

        Rows of four float32 are 16 bytes: one access to memory gives an entry's idf and weights
        (see :meth:`~duluan.analysis.features.NgramFeaturizer.transform_scores`). The topic
        model's 17 classes are left to the plain product: from gathered rows of weights alone,
        its product and the explanation's contributions took 2.81-2.97 µs a news lead against
        2.81-2.98; with the idf in the rows too, counting, weighing, product and contributions
        took 4.32 against 4.91, but its rows of 72 bytes would be 8 MB a batch of 1,000 leads
        (some 40 MB for a batch of ``duluan classify``), and packing 75 MB beside the loaded
        weights doubles them at start-up (measured 2026-11-30).
        Built on first use from the current weights, or when the model is loaded (then the
        weights and the idf are read from it: one copy in memory, see :meth:`__setstate__`);
        never pickled.
        """
        if self.coef_.shape[1] > 3:
            return None
        cached = self.__dict__.get("_packed")
        if cached is None or cached[0] is not self.coef_:
            cached = self.__dict__["_packed"] = (self.coef_, self.featurizer_.pack_weights(self.coef_))
        return cached[1]

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_packed", None)
        if "coef_" in state:  # a view of the packed table in a loaded model
            state["coef_"] = np.ascontiguousarray(state["coef_"])
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "coef_" in state and "featurizer_" in state:
            packed = self._packed_weights()
            if packed is not None:
                # Packed where the model is loaded, so that worker processes forked from there
                # share its pages, and read from then on for the weights and the idf too. Packed
                # in each worker beside them, the peak of ``duluan analyze`` of 20,000 leads
                # (summed PSS of the process tree) rose from 684-685 to 743-745 MiB; so, to
                # 703-705 (the rest is each batch's gathered rows; measured 2026-11-30).
                self.coef_ = packed[:, :-1]
                self.featurizer_.idf_ = packed[:, -1]
                self.__dict__["_packed"] = (self.coef_, packed)

    def explain(self, texts: Sequence[str], labels: Sequence[str]) -> list[tuple[tuple[str, float], ...]]:
        """Name the terms that pushed each text most towards the given label.

        Args:
            texts: Texts.
            labels: One label of ``classes_`` per text (usually the predicted one).

        Returns:
            Per text, up to ``top_terms`` ``(term, contribution)`` pairs, largest first.
        """
        texts = self.masked(texts)
        columns = np.searchsorted(self.classes_, np.asarray(labels, dtype=self.classes_.dtype))
        out: list[tuple[tuple[str, float], ...]] = []
        for s, e in self.batch_bounds(texts):
            out.extend(
                self.featurizer_.explain(
                    texts[s:e],
                    self.coef_,
                    columns[s:e],
                    top=self.top_terms + _SPARE_TERMS,
                    hidden=self._hidden_syllable(),
                )
            )
        out = _shown_terms(out, self.top_terms)
        return _negations_readable(out) if self.negation_scope else out

    def stickiness(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray | None:
        """How much each syllable of ``left`` sticks to the one of ``right`` after it, by the
        counts this model's features learnt from its corpus
        (:meth:`~duluan.analysis.features.NgramFeaturizer.stickiness`; ``None`` when its
        features read no syllable pairs)."""
        return self.featurizer_.stickiness(left, right)

    def _hidden_syllable(self) -> str | None:
        """The syllable no explaining term holds: the masked places' when this model masks them
        (an official reads which places a text names in its places, not in its terms)."""
        if not self.mask_places:
            return None
        from duluan.analysis.places.masking import PLACE_TOKEN

        return PLACE_TOKEN

    def batch_bounds(self, texts: Sequence[str]) -> list[tuple[int, int]]:
        """Cut texts into the batches prediction featurises at once: ``(start, stop)`` pairs.

        A text's row does not depend on the batch (its character n-grams read a space before and
        after it wherever it stands), so only the cost changes. Batches are cut to even shares,
        each within two budgets: count keys that fit in 32 bits
        (``_KEY_LIMIT``: at most 4,095 texts over 2**20 columns), and ``_CHARS`` characters
        (about 3,000 news leads, 500 whole articles), so that the featurizer's arrays stay small.
        Measured with the shipped topic model, 8,192 texts a call as ``duluan classify`` makes:
        TC201805 leads 34.4k -> 37.4k per CPU-second with the first budget (batches of 8,192
        before); VNTC articles 3.8k -> 4.3k with the second (batches of 2,731 before). Models
        with character n-grams were kept to batches of 8,192 while a text's edges depended on
        its place in the batch; cut the same way, the shipped sentiment model labels 26.8–28.0k
        news leads per CPU-second against 21.3–21.7k, and UIT-VSFC sentences 111–116k against
        90–97k (``predict_labels``, best of 3, alternating runs, 2026-11-30).
        """
        return self.length_bounds(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))

    def length_bounds(self, lengths: np.ndarray) -> list[tuple[int, int]]:
        """:meth:`batch_bounds` of texts of these lengths (in characters)."""
        n = lengths.size
        if n == 0:
            return []
        limit = max(1, min(_BATCH, (_KEY_LIMIT - 1) // self.featurizer_.n_features_))
        ends = np.cumsum(lengths)
        total = int(ends[-1])
        parts = max(-(-n // limit), -(-total // _CHARS))
        count, chars = -(-n // parts), -(-total // parts)  # each at most its budget
        bounds: list[tuple[int, int]] = []
        start = 0
        while start < n:
            before = int(ends[start - 1]) if start else 0
            fits = int(np.searchsorted(ends, before + chars, side="right"))
            stop = min(max(fits, start + 1), start + count, n)
            bounds.append((start, stop))
            start = stop
        return bounds


# Terms an official learns nothing from: a personal-data placeholder's syllable ("phone" of
# "<phone>": 216 of 9,700 framed complaints showed it) or numbers alone ("27" of a house, "25 11"
# of a date). The explainers name this many more terms than are shown, of which these are left out.
_SPARE_TERMS = 3
# A term that is numbers alone, or holds a placeholder's syllable (as a word of its own).
_NOISE_TERM_RE = re.compile(
    r"^[\d ]+$|(?:^| )(?:"
    + "|".join(placeholder.strip("<>") for placeholder in PLACEHOLDERS.values())
    + r")(?: |$)",
    re.MULTILINE,
)


def _shown_terms(rows: list, top: int) -> list:
    """Each text's explaining terms (words, or ``(words, weight)`` pairs) without the terms that
    hold a placeholder's syllable or are numbers alone, at most ``top``.

    A row is searched whole first, its terms one line each: most hold no such term (a loop over
    each row's terms cost 5.1 µs a news lead, 2026-12-07)."""
    out = []
    search = _NOISE_TERM_RE.search
    for row in rows:
        words = row if not row or isinstance(row[0], str) else [term[0] for term in row]
        if search("\n".join(words)) is None:
            out.append(row[:top])
            continue
        kept = [term for term, w in zip(row, words, strict=True) if _NOISE_TERM_RE.search(w) is None]
        out.append(type(row)(kept[:top]))
    return out


def _negations_readable(terms: list) -> list:
    """Each text's explaining terms (words, or ``(words, weight)`` pairs) with their negated
    syllables shown as the words they are (:func:`~duluan.analysis.negation.readable_term`)."""
    from duluan.analysis.negation import MARK, readable_term

    def shown(term: Any) -> Any:
        if isinstance(term, str):
            return readable_term(term)
        return (readable_term(term[0]), *term[1:])

    return [
        type(row)(map(shown, row)) if any(MARK in (t if isinstance(t, str) else t[0]) for t in row) else row
        for row in terms
    ]


def _with_accent_free_copies(
    texts: list[str], y: np.ndarray, weights: np.ndarray | None
) -> tuple[list[str], np.ndarray, np.ndarray | None, np.ndarray]:
    """The rows with, after them, an accent-free copy of each text whose folded form differs
    (same label and weight), and the rows the copies come from."""
    folded = fold_many(texts)
    sources = np.fromiter(
        (i for i, (text, bare) in enumerate(zip(texts, folded, strict=True)) if bare != text.lower()),
        dtype=np.int64,
    )
    texts = texts + [folded[i] for i in sources.tolist()]
    y = np.concatenate([y, y[sources]])
    if weights is not None:
        weights = np.concatenate([weights, weights[sources]])
    return texts, y, weights, sources


def _calibration_split(
    y: np.ndarray, sources: np.ndarray, fraction: float, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """Training and held-out rows for calibration: a stratified share of the original rows (the
    first ``len(y) - len(sources)``), each copy (row ``originals + k`` copies ``sources[k]``) on
    its original's side."""
    from sklearn.model_selection import train_test_split

    n = y.size - sources.size
    tr, ho = train_test_split(np.arange(n), test_size=fraction, random_state=random_state, stratify=y[:n])
    if sources.size:
        held = np.zeros(n, dtype=bool)
        held[ho] = True
        copies = np.arange(n, y.size)
        tr = np.concatenate([tr, copies[~held[sources]]])
        ho = np.concatenate([ho, copies[held[sources]]])
    return tr, ho


def _softmax(x: np.ndarray) -> np.ndarray:
    """The softmax of each row: ``scipy.special.softmax(x, axis=1)``, the same operations in the
    same order, so the same bits (checked by the tests), without importing scipy.special (30 ms
    of every start-up, 2026-11-30)."""
    shifted = np.exp(x - np.max(x, axis=1, keepdims=True))
    return shifted / np.sum(shifted, axis=1, keepdims=True)


def _fit_temperature(margins: np.ndarray, target: np.ndarray, loss: bool = False):
    """Return the softmax temperature (a multiplier of the margins) of least log-loss.

    With ``loss=True``, return ``(temperature, that log-loss)``.
    """

    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    def nll(log_t: float) -> float:
        logp = log_softmax(margins * np.exp(log_t), axis=1)
        return float(-logp[np.arange(target.size), target].mean())

    best = minimize_scalar(nll, bounds=(-3.0, 4.0), method="bounded")
    return (float(np.exp(best.x)), float(best.fun)) if loss else float(np.exp(best.x))


class SavedModel:
    """Save and load a model as a versioned, checksummed file of kind :attr:`model_kind`
    (see :mod:`duluan.analysis.model_io`)."""

    model_kind: ClassVar[str]

    def save(self, path: str | Path, metadata: dict | None = None) -> Path:
        """Write the model to a versioned, checksummed file.

        Args:
            path: Destination file.
            metadata: Free facts to keep with the model.

        Returns:
            The path written.
        """
        return save_model(self, path, kind=self.model_kind, metadata=metadata)

    @classmethod
    def load(cls, path: str | Path, *, mapped: bool = False) -> Self:
        """Read a model written by :meth:`save`.

        Args:
            path: A model file.
            mapped: Map the file instead of reading it, for commands that run a while and end
                (see :func:`~duluan.analysis.model_io.load_model`).

        Returns:
            The model.

        Raises:
            ModelFileError: The file is missing, corrupt or not a model of this kind.
        """
        model = load_model(path, kind=cls.model_kind, mapped=mapped)
        if not isinstance(model, cls):
            raise ModelFileError(
                f"Tệp mô hình hỏng hoặc không tương thích: {path} (không phải {cls.__name__})"
            )
        return model
