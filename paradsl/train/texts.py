"""Every line `para run` and `para eval` print about a run, as templates."""

from __future__ import annotations

from ..diagnostics.template import Text


class RunText:
    STEP = Text("step {step}/{total}  loss {loss:.4f}  {rate:.1f} steps/s  {left} left")
    EVALUATION = Text("eval {name} @ step {step}: {values}")
    TABLE_TITLE = Text("evaluation")
    TABLE_SET = Text("set")
    RESUMED = Text("resumed from {path} at step {step}")
    DONE = Text("trained {steps} steps; run directory {out}")
    INTERRUPTED = Text("para: interrupted at step {step}; checkpoint {path}; continue with --resume")
    INTERRUPTED_EARLY = Text("para: interrupted before the first step; nothing was written")
    NOT_FINITE = Text("para: error: the loss is {value} at step {step}; the last good checkpoint is {path}")
    NOT_FINITE_NONE = Text("para: error: the loss is {value} at step {step}; no checkpoint was written before it")
    CHECKPOINT = Text("para: error: {reason}")
    CHECKPOINT_EARLIER = Text("para: error: {reason}; the earlier checkpoint {earlier} is intact: "
                              "delete the damaged one to resume from it")
    NO_SUCH_CHECKPOINT = Text("para: error: --checkpoint {path}: no such file")
    NO_CHECKPOINT = Text("para: error: --resume: no checkpoint in {folder}")
    ALREADY_DONE = Text("the run in {out} has already trained {steps} steps")
    OUT_EXISTS = Text("para: error: {out} already holds a run; give --resume to continue it, or another --out")


class MachineText:
    """The lines of `verify machine` (`paradsl.train.machine`)."""

    HEAD = Text("machine: {states} reachable states x {symbols} symbols; {pairs} reachable pairs with the reference")
    VERIFIED = Text("machine: verified: every reachable state and symbol gives the reference's output")
    MARGIN = Text("machine: margin: every soft state the model reaches is within {eps:.3g} of one-hot of its "
                  "class, its output certain by a logit gap of {gap:.3g}: it follows the machine at any length")
    NO_MARGIN = Text("machine: no margin is proved in {rounds} rounds: the soft model is not shown to follow "
                     "the quantised one")
    UNSUPPORTED = Text("machine: the margin is not computed: interval bounds of {primitive} are not known")
    REFUSED = Text("machine: refused: after inputs {inputs} (state {state}) the output is {output}, "
                   "the reference gives {expected}")
    RECORDED = Text("machine: recorded in {path}")
