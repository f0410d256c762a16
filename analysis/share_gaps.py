"""Market shares where they are defined: a share of the units sold is undefined in a step where
nothing sold, and marketsim records 0 there for every firm (the datasets' descriptions say so).
A figure that drew that 0 would show a market nobody leads; these steps are NaN instead, a gap
in a line or a stacked area, and are left out of a mean over runs."""

import numpy as np
import pandas as pd


def sold_steps(shares, units=None):
    """Whether anything sold in each step (row) of `shares` [steps x firms]: the row of `units`
    [steps x firms] sums to more than 0; without `units`, the row of shares does (shares of a
    step's sales sum to 1 when anything sold, and marketsim records 0 for every firm when
    nothing did). A boolean numpy array [steps]."""
    totals = np.asarray(shares if units is None else units, dtype=float)
    return np.nansum(totals, axis=1) > 0


def without_sales(shares, units=None):
    """`shares` [steps x firms] (a DataFrame or a numpy array) with NaN in every step where
    nothing sold (sold_steps), as a float frame or array of the same labels."""
    sold = sold_steps(shares, units)
    if isinstance(shares, pd.DataFrame):
        return shares.astype(float).where(pd.Series(sold, index=shares.index), axis=0)
    values = np.array(shares, dtype=float)
    values[~sold] = np.nan
    return values


def gap_steps(frame):
    """The steps (index labels) of `frame` [steps x firms] where every value is NaN: the gaps
    without_sales left."""
    return list(frame.index[frame.isna().all(axis=1)])
