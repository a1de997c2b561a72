"""Measuring denoisers the same way in every chapter: one table per noise setting (images or sound), a sweep of
every sound setting, its tables by measure and by recording, and a robustness sweep over noise levels. Classical
parameters are always chosen on validation images."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from . import audio_metrics, baselines, masks, metrics, noise


def noise_setting_table(
    record, setting: str, clean_test, noisy_test, clean_val, noisy_val, models: Mapping[str, tuple[Callable, float | None, str]]
) -> dict:
    """Record noisy input, the five classical denoisers and each model for one noise setting.

    ``models`` maps a name to ``(denoise, training seconds, kind)``, where ``denoise`` takes noisy
    images (N, H, W[, 1]) and returns images in [0, 1]. Returns the classical results by name.
    """

    def add(method, kind, images, seconds=None):
        record.add(
            setting=setting,
            method=method,
            kind=kind,
            seconds=seconds,
            psnr_db=metrics.psnr(clean_test, images),  # one value per image: the record keeps the mean and its interval
            ssim=metrics.ssim(clean_test, images),
        )

    add("noisy input", "noisy", noisy_test)
    classical = baselines.tune_and_apply(_grey(noisy_val), _grey(clean_val), _grey(noisy_test))
    for name, result in classical.items():
        add(baselines.label(name, result.parameter), "classical", result.denoised, result.seconds)
    for name, (denoise, seconds, kind) in models.items():
        add(name, kind, denoise(noisy_test), seconds)
    return classical


def timed(run: Callable):
    """Call ``run()`` and return ``(its result, the seconds it took)``."""
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


ORACLES = {"ideal ratio mask": masks.ideal_ratio_mask, "ideal phase-sensitive mask": masks.ideal_phase_sensitive_mask}


def sound_setting_table(
    record,
    setting: str,
    clean: Sequence[np.ndarray],
    noises: Sequence[np.ndarray],
    denoisers: Mapping[str, tuple[str, Callable]],
    sr: int,
    measures: Sequence[str] = audio_metrics.SPEECH_MEASURES,
    per_item: dict | None = None,
) -> dict[str, list[np.ndarray]]:
    """Record one sound setting: the noisy input (clean + noise), each denoiser and the two oracle masks (``ORACLES``).

    ``denoisers`` maps a name to ``(kind, denoise)``, where ``denoise`` takes the list of noisy signals and
    returns a list of outputs; each is timed. ``measures`` are the scores recorded (default SI-SDR, STOI, PESQ),
    each as its mean over the clips and the half-width of its 95 % interval. ``per_item``, if given, receives
    ``{method: {measure: array of one score per clip}}``. Returns every method's outputs by name, the noisy
    input under ``"noisy input"``.
    """
    if len(clean) != len(noises):
        raise ValueError(f"clean and noises must pair up, got {len(clean)} clean signals and {len(noises)} noises")
    noisy = [c + n for c, n in zip(clean, noises)]
    outputs = {"noisy input": noisy}
    oracles = {name: ("oracle", lambda _, mask=mask: [mask(c, n) for c, n in zip(clean, noises)]) for name, mask in ORACLES.items()}
    for name, (kind, denoise) in {"noisy input": ("noisy", None), **denoisers, **oracles}.items():
        start = time.perf_counter()
        if denoise is not None:
            outputs[name] = denoise(noisy)
        seconds = None if denoise is None else time.perf_counter() - start
        scores = audio_metrics.scores(clean, outputs[name], sr, measures)
        record.add(setting=setting, method=name, kind=kind, seconds=seconds, **scores)
        if per_item is not None:
            per_item[name] = scores
    return outputs


def sound_sweep(
    record,
    clean: Sequence[np.ndarray],
    noise_for: Callable[[str, int, float], np.ndarray],
    kinds: Sequence[str],
    snrs: Sequence[float],
    denoisers: Mapping[str, tuple[str, Callable]],
    sr: int,
    measures: Sequence[str] = audio_metrics.SPEECH_MEASURES,
    extra: Mapping[str, Mapping[str, tuple[str, Callable]]] | None = None,
    keep: Sequence[str] = (),
    log=print,
) -> tuple[dict, dict]:
    """:func:`sound_setting_table` for every noise kind and SNR, settings named ``<kind>_<snr>dB``.

    ``noise_for(kind, k, snr)`` is the noise of clip ``k``; ``extra`` adds denoisers to some settings only
    (name them by setting). Returns ``(outputs, per_item)``: the outputs of the settings in ``keep`` and, for
    every setting, ``{method: {measure: one score per clip}}``. ``log`` gets one line per setting (``None``: silent).
    """
    extra = extra or {}
    kept, per_item = {}, {}
    for kind in kinds:
        for snr in snrs:
            setting, start = f"{kind}_{snr}dB", time.perf_counter()
            noises = [noise_for(kind, k, snr) for k in range(len(clean))]
            per_item[setting] = {}
            outputs = sound_setting_table(record, setting, clean, noises, {**denoisers, **extra.get(setting, {})}, sr, measures, per_item[setting])
            if setting in keep:
                kept[setting] = outputs
            if log is not None:
                first = measures[0]
                line = ", ".join(f"{name} {float(np.mean(s[first])):.1f}" for name, s in per_item[setting].items())
                log(f"{setting:>11}: {first} {line} ({time.perf_counter() - start:.0f} s)")
    return kept, per_item


def measure_table(record, measure: str, methods: Sequence[str], settings: Sequence[str]):
    """One recorded measure as a DataFrame: a row per setting (in ``settings``' order), a column per method (``methods``)."""
    frame = record.table()
    if frame.empty or measure not in frame:
        raise ValueError(f"nothing recorded has {measure!r}")
    table = frame.dropna(subset=[measure]).pivot(index="setting", columns="method", values=measure)
    return table.reindex(index=list(settings), columns=list(methods))


def spread_by_group(per_item: Mapping[str, Mapping[str, Mapping[str, np.ndarray]]], groups: Sequence[str], setting: str, measure: str):
    """Per group (say, per recording) the mean of ``measure`` over its clips in one setting: a DataFrame, a row per method.

    ``per_item`` is :func:`sound_sweep`'s second result; ``groups`` names the group of each clip, in order.
    The columns are the groups in order of first appearance, then ``"lowest"`` and ``"highest"``.
    """
    import pandas as pd

    if setting not in per_item:
        raise ValueError(f"no scores for setting {setting!r}; have {sorted(per_item)}")
    names = list(dict.fromkeys(groups))
    rows = {}
    for method, scores in per_item[setting].items():
        values = np.asarray(scores[measure])
        if len(values) != len(groups):
            raise ValueError(f"{method!r} has {len(values)} scores but groups names {len(groups)} clips")
        means = {g: float(values[[h == g for h in groups]].mean()) for g in names}
        rows[method] = {**means, "lowest": min(means.values()), "highest": max(means.values())}
    return pd.DataFrame.from_dict(rows, orient="index")


def best_classical(classical: Mapping[str, baselines.ClassicalResult]) -> str:
    """The name of the classical denoiser with the best validation score."""
    if not classical:
        raise ValueError("no classical results to choose from")
    return max(classical, key=lambda name: classical[name].val_scores[classical[name].parameter])


def robustness(
    clean_eval, clean_val, sigmas: Sequence[float], denoisers: Mapping[str, Callable], classical_name: str, seed: int = 10
) -> dict[str, list[float]]:
    """Mean PSNR on ``clean_eval`` under Gaussian noise of each sigma: noisy input, ``classical_name``
    re-tuned on ``clean_val`` at every level, and each of ``denoisers``. The noisy input at sigma 0 is NaN."""
    baselines.check_name(classical_name)
    curves = {"noisy input": [], f"{classical_name} (re-tuned at each level)": []}
    curves.update({name: [] for name in denoisers})
    for i, sigma in enumerate(sigmas):
        noisy_eval = noise.gaussian(clean_eval, sigma=sigma, seed=seed + i)
        noisy_val = noise.gaussian(clean_val, sigma=sigma, seed=seed + 1000 + i)
        curves["noisy input"].append(float(metrics.psnr(clean_eval, noisy_eval).mean()) if sigma > 0 else float("nan"))
        tuned = baselines.tune_and_apply(_grey(noisy_val), _grey(clean_val), _grey(noisy_eval), names=[classical_name])
        curves[f"{classical_name} (re-tuned at each level)"].append(float(metrics.psnr(clean_eval, tuned[classical_name].denoised).mean()))
        for name, denoise in denoisers.items():
            curves[name].append(float(metrics.psnr(clean_eval, denoise(noisy_eval)).mean()))
    return curves


def _grey(images) -> np.ndarray:
    images = np.asarray(images)
    return images[..., 0] if images.ndim == 4 and images.shape[-1] == 1 else images
