"""Statistics library of the Aligned Autonomy Diagnostic.

A pure numpy/scipy library: it never imports :mod:`app`, never touches a database or the
network, and every group statistic is vectorized over all groups at once.
"""

from analysis.groups import GroupResult, Groups, encode_groups

# -- instrument --
from analysis.instrument import (
    Item, Option, Questionnaire, QuestionnaireError, Scale, list_questionnaires, load_questionnaire,
)

# -- reliability --
from analysis.reliability import AlphaResult, OmegaResult, cronbach_alpha, omega_total

# -- agreement --
from analysis.agreement import ad_m, awg, rwg, rwg_j

# -- icc --
from analysis.icc import GroupReliabilityResult, ICCResult, group_reliability, icc, icc1_bands

# -- differences and drivers --
from analysis.compare import UnitVsRestResult, unit_vs_rest
from analysis.drivers import RelativeWeightsBootstrapResult, bootstrap_relative_weights

# -- factor --
from analysis.factor import CFAResult, cfa

# -- diagnosis --
from analysis.responses import ResponseData
from analysis.csv_input import CSVInputError, read_responses_csv
from analysis.scoring import RespondentScores, score_responses
from analysis.diagnosis import Diagnosis, GroupTable, diagnose
from analysis.items import ItemResults, item_results
from analysis.scope import restrict_to_unit
from analysis.simulate import Confounds, Simulation, simulate, simulate_responses
from analysis.simulate_truth import Truth

# -- benchmark and waves --
from analysis.benchmark import (
    BenchmarkEntry, BenchmarkPool, BenchmarkResult, benchmark, dump_benchmark, entry_from_diagnosis,
    load_benchmark,
)
from analysis.waves import WaveComparison, compare_waves

__all__ = [name for name in dir() if not name.startswith("_")]
