"""Which device the benchmark measures: the active Keras backend's, in words."""

from __future__ import annotations


def backend_device() -> str:
    """The device the active Keras backend trains on, in words: 'CPU' or 'GPU (<name>)'.

    Works with each of Keras' backends, so the precision benchmark also runs where TensorFlow is not installed.
    """
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        from ..settings import device_name

        return device_name()
    if backend == "jax":
        import jax

        device = jax.devices()[0]
        return "CPU" if device.platform == "cpu" else f"GPU ({device.device_kind})"
    if backend == "torch":
        import torch

        return f"GPU ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "CPU"
    return "CPU"
