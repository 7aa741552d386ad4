"""Any sentence-transformers model (a folder or a hub id) run through ``transformers``.

LaBSE (``sentence-transformers/LaBSE``, what Bertalign uses) and other
sentence-transformers models describe their own pipeline: ``modules.json`` lists a
Transformer, a Pooling module (``1_Pooling/config.json`` says CLS, mean, max, mean-sqrt
or last-token pooling), optionally Dense layers (LaBSE: 768 -> 768 with tanh) and a
Normalize module. This follows that description with plain ``transformers`` and torch, so
the ``sentence-transformers`` package is not needed. Rows are always L2-normalised: the
aligner compares cosines. The model is found like the MT model
(``selaras.backends.loading.resolve_model``: a folder, or a hub id in the local cache;
the same offline rules and one-line errors).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from selaras.embed.base import Progress, embed_batched
from selaras.errors import EmbedderError, ModelUnavailableError

#: Token limit when the model names none (``sentence_bert_config.json`` ``max_seq_length``);
#: sentence-transformers' own fallback is the tokenizer's limit, 512 for BERT.
DEFAULT_MAX_TOKENS = 512

_POOLING = "sentence_transformers.models.Pooling"
_DENSE = "sentence_transformers.models.Dense"
_POOL_KEYS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt",
    "pooling_mode_lasttoken": "last",
}
_ACTIVATIONS = {"Tanh": "tanh", "Identity": None, "ReLU": "relu", "Sigmoid": "sigmoid"}


class SentenceEncoder:
    """A sentence-transformers model (``model_name_or_path``) as an ``Embedder``.

    Raises:
        ModelUnavailableError: the model cannot be had (missing folder, offline, typo).
        EmbedderError: it is not a sentence encoder (no ``modules.json`` with a Pooling
            module) or its files do not load.
    """

    def __init__(self, model_name_or_path: str, *, threads: int | None = None) -> None:
        from selaras.backends.loading import resolve_model
        from selaras.backends.runtime import usable_cpus

        try:
            self._source = resolve_model(str(model_name_or_path))
        except ModelUnavailableError as exc:
            # The loader's advice names the MT model's flag; say it for the embedder.
            why = str(exc).split(": ", 1)[-1].split("; ", 1)[0]
            raise EmbedderError(
                f"cannot load the sentence encoder '{model_name_or_path}': {why}; give a sentence-transformers "
                "model folder or a hub id in the local cache (such as sentence-transformers/LaBSE), or use the e5 embedder"
            ) from None
        modules = self._json("modules.json", required=True)
        if not isinstance(modules, list):
            raise self._not_encoder("modules.json is not a list of modules")
        kinds = [(m.get("type", ""), m.get("path", "")) for m in modules if isinstance(m, dict)]
        pools = [path for kind, path in kinds if kind == _POOLING]
        if not pools:
            raise self._not_encoder("modules.json names no Pooling module")
        pool_cfg = self._json(f"{pools[0]}/config.json", required=True)
        modes = [mode for key, mode in _POOL_KEYS.items() if pool_cfg.get(key)]
        if len(modes) != 1:
            raise self._not_encoder(f"{pools[0]}/config.json must choose one pooling mode, got {modes or 'none'}")
        self.pooling = modes[0]
        self._dense_paths = [path for kind, path in kinds if kind == _DENSE]
        st_cfg = self._json("sentence_bert_config.json", required=False) or {}
        self.max_tokens = int(st_cfg.get("max_seq_length") or DEFAULT_MAX_TOKENS)
        self._threads = threads or usable_cpus()
        self._model = None
        self.name = f"st:{self._source.fingerprint or self._source.name}:{self.pooling}"

    def _not_encoder(self, why: str) -> EmbedderError:
        return EmbedderError(
            f"'{self._source.name}' is not a sentence encoder ({why}); give a sentence-transformers "
            "model folder or hub id (such as sentence-transformers/LaBSE), or use the e5 embedder"
        )

    def _file(self, name: str) -> Path | None:
        if self._source.is_local:
            path = Path(self._source.path_or_id) / name
            return path if path.is_file() else None
        from huggingface_hub import hf_hub_download

        try:
            return Path(hf_hub_download(self._source.path_or_id, name, **self._source.pretrained_kwargs()))
        except Exception:  # noqa: BLE001 - absent from the repo or the cache: the caller decides
            return None

    def _json(self, name: str, *, required: bool) -> dict | list | None:
        path = self._file(name)
        if path is None:
            if required:
                raise self._not_encoder(f"no {name}")
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise self._not_encoder(f"{name} does not parse: {exc}") from None

    def _load(self) -> None:
        import torch

        from selaras.backends.loading import model_errors
        from selaras.backends.runtime import quiet_transformers

        torch.set_num_threads(self._threads)
        try:
            with model_errors(self._source), quiet_transformers():
                from transformers import AutoModel, AutoTokenizer

                kwargs = self._source.pretrained_kwargs()
                self._tokenizer = AutoTokenizer.from_pretrained(self._source.path_or_id, **kwargs)
                self._model = AutoModel.from_pretrained(self._source.path_or_id, **kwargs).eval()
        except ModelUnavailableError as exc:
            raise EmbedderError(str(exc)) from None
        self._dense = [self._load_dense(path) for path in self._dense_paths]
        self.dim = self._dense[-1][0].out_features if self._dense else int(self._model.config.hidden_size)

    def _load_dense(self, path: str):
        import torch

        cfg = self._json(f"{path}/config.json", required=True)
        weights = self._file(f"{path}/model.safetensors")
        try:
            if weights is not None:
                from safetensors.torch import load_file

                state = load_file(str(weights))
            else:
                weights = self._file(f"{path}/pytorch_model.bin")
                if weights is None:
                    raise self._not_encoder(f"no weights in {path}")
                state = torch.load(str(weights), map_location="cpu", weights_only=True)
            layer = torch.nn.Linear(int(cfg["in_features"]), int(cfg["out_features"]), bias=bool(cfg.get("bias", True)))
            layer.load_state_dict({k.removeprefix("linear."): v for k, v in state.items()})
        except EmbedderError:
            raise
        except Exception as exc:  # noqa: BLE001 - any unreadable layer means the folder is not usable
            raise self._not_encoder(f"its {path} layer does not load: {type(exc).__name__}: {exc}") from None
        activation = str(cfg.get("activation_function", "Identity")).rsplit(".", 1)[-1]
        if activation not in _ACTIVATIONS:
            raise self._not_encoder(f"unknown activation {activation} in {path}")
        return layer.eval(), _ACTIVATIONS[activation]

    def _encode(self, batch: list[str]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            enc = self._tokenizer(batch, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt")
            hidden = self._model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            if self.pooling == "cls":
                pooled = hidden[:, 0]
            elif self.pooling == "max":
                pooled = hidden.masked_fill(mask == 0, -1e9).max(dim=1).values
            elif self.pooling == "last":
                last = enc["attention_mask"].sum(dim=1) - 1
                pooled = hidden[torch.arange(hidden.shape[0]), last]
            else:
                total = (hidden * mask).sum(dim=1)
                count = mask.sum(dim=1).clamp(min=1)
                pooled = total / (count.sqrt() if self.pooling == "mean_sqrt" else count)
            for layer, activation in self._dense:
                pooled = layer(pooled)
                if activation is not None:
                    pooled = getattr(torch, activation)(pooled)
            return pooled.float().numpy()

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        """Unit-length vectors of ``texts`` (see ``Embedder.embed``); loads the model on first use."""
        if self._model is None:
            self._load()
        return embed_batched(self._encode, texts, self.dim, progress=progress)
