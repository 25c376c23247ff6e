"""Statistics library of the Aligned Autonomy Diagnostic.

A pure numpy/scipy library: it never imports :mod:`app`, never touches a database or the
network, and every group statistic is vectorized over all groups at once.

The names below are imported on first use (PEP 562), so that ``import analysis`` and the
command line stay fast: a caller pays only for the modules it touches.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "groups": ("GroupResult", "Groups", "encode_groups"),
    "instrument": (
        "Item",
        "Option",
        "Questionnaire",
        "QuestionnaireError",
        "Scale",
        "list_questionnaires",
        "load_questionnaire",
    ),
    "reliability": ("AlphaResult", "OmegaResult", "cronbach_alpha", "omega_total"),
    "agreement": ("ad_m", "awg", "rwg", "rwg_j"),
    "icc": ("GroupReliabilityResult", "ICCResult", "group_reliability", "icc", "icc1_bands"),
    "compare": ("UnitVsRestResult", "unit_vs_rest"),
    "drivers": ("RelativeWeightsBootstrapResult", "bootstrap_relative_weights"),
    "factor": ("CFAResult", "cfa"),
    "responses": ("ResponseData",),
    "csv_input": ("CSVInputError", "read_responses_csv"),
    "scoring": ("RespondentScores", "score_responses"),
    "diagnosis": ("Diagnosis", "GroupTable", "diagnose"),
    "items": ("ItemResults", "item_results"),
    "scope": ("restrict_to_unit",),
    "simulate": ("Confounds", "Simulation", "simulate", "simulate_responses"),
    "simulate_truth": ("Truth",),
    "benchmark": (
        "BenchmarkEntry",
        "BenchmarkPool",
        "BenchmarkResult",
        "benchmark",
        "dump_benchmark",
        "entry_from_diagnosis",
        "load_benchmark",
    ),
    "waves": ("WaveComparison", "compare_waves"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:  # a submodule (``from analysis import figures``) or a typo
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    loaded = importlib.import_module(f"{__name__}.{module}")
    globals().update((export, getattr(loaded, export)) for export in _EXPORTS[module])
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Keeps the functions ``analysis.icc`` and ``analysis.benchmark`` when their
    submodules of the same name are imported (the import system would bind the module)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in _MODULE_OF:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:  # "X as X": the names are exported, lazily
    from analysis.benchmark import (
        BenchmarkEntry as BenchmarkEntry,
        BenchmarkPool as BenchmarkPool,
        BenchmarkResult as BenchmarkResult,
        benchmark as benchmark,
        dump_benchmark as dump_benchmark,
        entry_from_diagnosis as entry_from_diagnosis,
        load_benchmark as load_benchmark,
    )
    from analysis.agreement import (
        ad_m as ad_m,
        awg as awg,
        rwg as rwg,
        rwg_j as rwg_j,
    )
    from analysis.compare import (
        UnitVsRestResult as UnitVsRestResult,
        unit_vs_rest as unit_vs_rest,
    )
    from analysis.csv_input import (
        CSVInputError as CSVInputError,
        read_responses_csv as read_responses_csv,
    )
    from analysis.diagnosis import (
        Diagnosis as Diagnosis,
        GroupTable as GroupTable,
        diagnose as diagnose,
    )
    from analysis.drivers import (
        RelativeWeightsBootstrapResult as RelativeWeightsBootstrapResult,
        bootstrap_relative_weights as bootstrap_relative_weights,
    )
    from analysis.factor import (
        CFAResult as CFAResult,
        cfa as cfa,
    )
    from analysis.groups import (
        GroupResult as GroupResult,
        Groups as Groups,
        encode_groups as encode_groups,
    )
    from analysis.icc import (
        GroupReliabilityResult as GroupReliabilityResult,
        ICCResult as ICCResult,
        group_reliability as group_reliability,
        icc as icc,
        icc1_bands as icc1_bands,
    )
    from analysis.items import (
        ItemResults as ItemResults,
        item_results as item_results,
    )
    from analysis.instrument import (
        Item as Item,
        Option as Option,
        Questionnaire as Questionnaire,
        QuestionnaireError as QuestionnaireError,
        Scale as Scale,
        list_questionnaires as list_questionnaires,
        load_questionnaire as load_questionnaire,
    )
    from analysis.reliability import (
        AlphaResult as AlphaResult,
        OmegaResult as OmegaResult,
        cronbach_alpha as cronbach_alpha,
        omega_total as omega_total,
    )
    from analysis.responses import (
        ResponseData as ResponseData,
    )
    from analysis.scope import (
        restrict_to_unit as restrict_to_unit,
    )
    from analysis.scoring import (
        RespondentScores as RespondentScores,
        score_responses as score_responses,
    )
    from analysis.simulate import (
        Confounds as Confounds,
        Simulation as Simulation,
        simulate as simulate,
        simulate_responses as simulate_responses,
    )
    from analysis.simulate_truth import (
        Truth as Truth,
    )
    from analysis.waves import (
        WaveComparison as WaveComparison,
        compare_waves as compare_waves,
    )
