"""Measuring denoisers the same way in every chapter: one table per noise setting (images or sound), and a
robustness sweep over noise levels. Classical parameters are always chosen on validation images."""

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


def sound_setting_table(
    record,
    setting: str,
    clean: Sequence[np.ndarray],
    noises: Sequence[np.ndarray],
    denoisers: Mapping[str, tuple[str, Callable]],
    sr: int,
    measures: Sequence[str] = audio_metrics.SPEECH_MEASURES,
) -> dict[str, list[np.ndarray]]:
    """Record one sound setting: the noisy input (clean + noise), each denoiser and the ideal ratio mask.

    ``denoisers`` maps a name to ``(kind, denoise)``, where ``denoise`` takes the list of noisy signals and
    returns a list of outputs; each is timed. ``measures`` are the mean scores recorded (default SI-SDR,
    STOI, PESQ). Returns every method's outputs by name, the noisy input under ``"noisy input"``.
    """
    if len(clean) != len(noises):
        raise ValueError(f"clean and noises must pair up, got {len(clean)} clean signals and {len(noises)} noises")
    noisy = [c + n for c, n in zip(clean, noises)]
    outputs = {"noisy input": noisy}
    record.add(setting=setting, method="noisy input", kind="noisy", **audio_metrics.evaluate(clean, noisy, sr, measures))
    oracle = ("oracle", lambda _: [masks.ideal_ratio_mask(c, n) for c, n in zip(clean, noises)])
    for name, (kind, denoise) in {**denoisers, "ideal ratio mask": oracle}.items():
        start = time.perf_counter()
        outputs[name] = denoise(noisy)
        seconds = time.perf_counter() - start
        record.add(setting=setting, method=name, kind=kind, seconds=seconds, **audio_metrics.evaluate(clean, outputs[name], sr, measures))
    return outputs


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
