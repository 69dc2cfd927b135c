"""Survey statistics: designs, weights, estimates with design-based intervals, indices, sampling.

Pure numpy/scipy/pandas; validated against R's ``survey`` package (see the tests marked
``r_reference``). Nothing here imports Django.
"""

from duluan.stats.design import LONELY_PSU_OPTIONS, CalibrationStep, Design, DesignError, LonelyPSUError
from duluan.stats.estimate import (
    Estimates,
    NonNumericError,
    survey_by,
    survey_mean,
    survey_proportion,
    survey_total,
)
from duluan.stats.indices import (
    IndexDefinition,
    IndexDefinitionError,
    IndexResult,
    SubIndex,
    compare_rounds,
    compute_index,
    respondent_scores,
)
from duluan.stats.intervals import (
    CI_METHODS,
    korn_graubard_interval,
    logit_interval,
    wald_interval,
)
from duluan.stats.sampling import (
    FrameError,
    MultistageSample,
    PPSSelection,
    SampleSize,
    pps_systematic,
    sample_size_proportion,
    select_multistage,
    yamane,
)
from duluan.stats.weighting import (
    RakeReport,
    RakingError,
    TrimReport,
    WeightingError,
    base_weights,
    nonresponse_adjust,
    post_stratify,
    rake,
    trim_weights,
)

__all__ = [
    "CI_METHODS",
    "LONELY_PSU_OPTIONS",
    "CalibrationStep",
    "Design",
    "DesignError",
    "Estimates",
    "FrameError",
    "IndexDefinition",
    "IndexDefinitionError",
    "IndexResult",
    "LonelyPSUError",
    "MultistageSample",
    "NonNumericError",
    "PPSSelection",
    "RakeReport",
    "RakingError",
    "SampleSize",
    "SubIndex",
    "TrimReport",
    "WeightingError",
    "base_weights",
    "compare_rounds",
    "compute_index",
    "korn_graubard_interval",
    "logit_interval",
    "nonresponse_adjust",
    "post_stratify",
    "pps_systematic",
    "rake",
    "respondent_scores",
    "sample_size_proportion",
    "select_multistage",
    "survey_by",
    "survey_mean",
    "survey_proportion",
    "survey_total",
    "trim_weights",
    "wald_interval",
    "yamane",
]
