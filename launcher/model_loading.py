"""How a Rasa replica loads its trained model: the same weights and predictions, with less work.

Rasa builds each TensorFlow model it loads (DIET, the response selector, TED)
by training it on one example, a traced training step, and then overwrites
every weight with the trained ones. That step was most of a replica's start.
Here it is skipped: the trained weights are restored into the model before its
layers exist, and TensorFlow gives each weight its trained value as its layer
gets built (a checkpoint's deferred restoration), which happens at load, when
the prediction graph is traced on the stored example, as Rasa traces it. Every
weight of the three models and every prediction come out bit-identical to
Rasa's own loading (144 weights; 685 held-out parses; TED's probabilities on
497 test-story turns), and a weight left without its trained value stops the
start (``assert_existing_objects_matched``). The traced graphs are then kept
for the next start (launcher/prediction_graphs.py).

A replica's start to its first answer (`python -m benchmarks.replica_start`, 2
cores shared with other work): Rasa unchanged 90 CPU s (114 s at load average
2.8); with the eager NLU step this replaces 42 CPU s (45 s at 2.6); without the
training step 24 CPU s (41 s at 4.6); with the graphs kept, 12-15 CPU s (15 s
at 1.8; 19-36 s at 5.5-7.5, when other work takes most of the two cores).
Training traces the graphs once (``prime``), so even the first start finds
them; a model copied in without that pays ~10 CPU s more at its first start,
to save them (34 CPU s). What is left: TensorFlow's and Rasa's imports (~6 s),
unpacking the model archive (~2 s), the other components and the server (~3 s).
MIAVAL_RASA_SPEEDUPS=0 loads the model as Rasa does.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

from launcher import prediction_graphs

# Where the traced prediction graphs are kept (launcher/prediction_graphs.py); None: traced at every start.
_graph_cache: Optional[Path] = None


def _load_restoring_as_built(cls: Any, model_file_name: str, model_data_example: Any, predict_data_example: Any = None,
                             finetune_mode: bool = False, *args: Any, **kwargs: Any) -> Any:  # fmt: skip
    """``RasaModel.load`` without the one-example training step: layers built by tracing the prediction.

    With a graph cache, the traced prediction graph of an earlier start replaces the trace.
    """
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.models import RasaModel

    if finetune_mode or not predict_data_example:  # training goes on, or nothing to build the layers with: Rasa's way
        return RasaModel.load.__func__(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                                       *args, **kwargs)  # fmt: skip
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    optimizer = tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001))
    model.compile(optimizer=optimizer, run_eagerly=config.get(RUN_EAGERLY))  # as Rasa compiles it
    cache = _graph_cache if not config.get(RUN_EAGERLY) else None
    entry = prediction_graphs.key(Path(model_file_name).parent) if cache else ""
    saved = prediction_graphs.load(cache, entry) if cache else None
    if saved is not None:
        model._tf_predict_step = saved.predict
        model._saved_prediction = saved  # its weights live as long as the model
        model.prepared_for_prediction = True  # the labels' embeddings are in the saved graph
        model.run_inference(predict_data_example)  # the first run's graph optimisation now, not at the first message
        return model
    restored = model.load_weights(model_file_name)  # no layer built yet: each weight restored when created
    model.run_inference(predict_data_example)  # builds the layers and traces the prediction graph
    restored.assert_existing_objects_matched()  # every weight that exists now holds its trained value
    if cache:
        prediction_graphs.save(cache, entry, model)
    return model


def apply(graph_cache: str = "") -> None:
    """Load DIET, the response selector (DIET's subclass) and TED without their training step.

    ``graph_cache``: the directory where traced prediction graphs are kept for the next start ("": none).
    """
    from rasa.core.policies.ted_policy import TED
    from rasa.nlu.classifiers.diet_classifier import DIET

    global _graph_cache
    _graph_cache = Path(graph_cache) if graph_cache else None
    DIET.load = classmethod(_load_restoring_as_built)  # type: ignore[method-assign, assignment]
    TED.load = classmethod(_load_restoring_as_built)  # type: ignore[method-assign, assignment]


def prime(model_path: str, graph_cache: str) -> None:
    """Load the model once as a replica does, so that every replica's start finds its prediction graphs kept."""
    apply(graph_cache)
    from rasa.core.agent import Agent

    Agent.load(model_path)


if __name__ == "__main__":
    # python -m launcher.model_loading MODEL GRAPH_CACHE: after each training (launcher/training.py)
    prime(sys.argv[1], sys.argv[2])
