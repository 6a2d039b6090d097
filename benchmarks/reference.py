"""A plain fused-numpy transcription of :func:`model.core.simulate.simulate`: the floor to compare with.

One function, no blocks, no registry, no dicts of effects: every formula of the model written once
as straight-line numpy on ``(n, T)`` arrays, in place where it can be, with the geometric lags as
recursions over quarters.  It computes the same numbers as ``simulate`` (checked in
``tests/test_reference.py`` and by the benchmark); ``simulate / reference`` at 10,000 draws x 32
quarters measures what the model's structure costs over the arithmetic itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from model.core.simulate import Inputs

__all__ = ["reference_simulate"]


def _decay(k: np.ndarray, rate: np.ndarray, persistent: np.ndarray, phi: np.ndarray) -> np.ndarray:
    kk = np.maximum(k, 0).astype(float)
    out = (1.0 - persistent) * rate**kk + persistent * phi**kk
    out *= k >= 0
    return out


def _filter(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``y_t = a y_{t-1} + x_t`` in place on a quarter-major copy."""
    y = np.array(x.T, order="C")
    a = a.reshape(-1)
    for t in range(1, y.shape[0]):
        y[t] += a * y[t - 1]
    return y.T


def _shift(x: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros_like(x)
    out[:, k:] = x[:, :-k]
    return out


def reference_simulate(th: Mapping[str, np.ndarray], inputs: Inputs) -> dict[str, np.ndarray]:
    """The paths of ``simulate(th, inputs)``, every one ``(n, T)``, by straight-line numpy."""
    b, cal, span = inputs.base, inputs.calendar, inputs.span
    t_n = span.n
    n = max(v.shape[0] for v in th.values())
    years = np.arange(span.first_year, span.last_year + 1)
    # 2019 quarters
    h1, q1q3, q1 = th["gdp_share_h1"], th["gdp_share_q1q3"], th["gdp_q1_share_of_h1"]
    gdp19 = b.gdp_2019 * np.concatenate([h1 * q1, h1 * (1.0 - q1), q1q3 - h1, 1.0 - q1q3], axis=1)
    rh1, r1, r3 = b.revenue_h1_2019, th["revenue_q1_share_of_h1"], th["revenue_q3_share_of_h2"]
    rh2 = b.revenue_2019 - rh1
    rev19 = np.concatenate([rh1 * r1, rh1 * (1.0 - r1), rh2 * r3, rh2 * (1.0 - r3)], axis=1)
    # trend
    g_tot = (th["trend_growth_2020"] + th["trend_drift"] * (years - 2020)) / 100.0
    idx_t = np.ones((g_tot.shape[0], years.size))
    idx_t[:, 0] = 1.0 / (1.0 + b.gdp_real_growth_2019)
    idx_t[:, 2:] = np.cumprod(1.0 + g_tot[:, 2:], axis=1)
    g_dig = np.broadcast_to(th["trend_growth_digital"] / 100.0, g_tot.shape)
    idx_d = np.ones((g_dig.shape[0], years.size))
    idx_d[:, 0] = 1.0 / (1.0 + b.digital_real_growth_2019)
    idx_d[:, 2:] = np.cumprod(1.0 + g_dig[:, 2:], axis=1)
    total = (idx_t[:, :, None] * gdp19[:, None, :]).reshape(-1, t_n)
    trend_d = (idx_d[:, :, None] * (b.digital_share_2019 * gdp19)[:, None, :]).reshape(-1, t_n)
    trend_r = total - trend_d
    # gaps (percent of trend)
    k = span.since(cal.covid_start)[None, :]
    phi = th["shock_persistent_decay"]
    gap_d = th["shock_digital_depth"] * _decay(k, th["shock_digital_decay"], th["shock_digital_persistent"], phi)
    gap_r = th["shock_rest_depth"] * _decay(k, th["shock_rest_decay"], th["shock_rest_persistent"], phi)
    for s in inputs.shocks:
        g = s.depth * _decay(span.since(s.start)[None, :], np.asarray(s.decay), np.asarray(s.persistent_share), phi)
        if s.sector in ("digital", "both"):
            gap_d = gap_d + g
        if s.sector in ("rest", "both"):
            gap_r = gap_r + g
    if inputs.noise is not None:
        gap_d = gap_d + inputs.noise
        gap_r = gap_r + inputs.noise
    gap_d /= 100.0
    gap_r /= 100.0
    if inputs.digital_noise is not None:
        gap_d = gap_d + inputs.digital_noise / 100.0
        gap_r = gap_r - inputs.digital_noise / 100.0 * trend_d / trend_r
    # deflator
    kq = span.since(cal.last_observed)[None, :]
    hd, lr, psi = th["deflator_h1"], th["deflator_long_run"], th["deflator_persistence"]
    infl = np.where(kq <= 0, hd, lr + (hd - lr) * psi ** np.maximum(kq, 0)) / 100.0
    by_year = (1.0 + infl).reshape(infl.shape[0], -1, 4)
    by_year[:, :2, :] = 1.0
    defl = np.cumprod(by_year, axis=1).reshape(infl.shape)
    defl[:, :4] = np.nan
    defl1 = np.nan_to_num(defl, nan=1.0)
    # sectors before levers
    digital = trend_d * (1.0 - gap_d)
    # property and land: transactions against 2019's quarter, and the rest's output off H1's pace
    kr = span.since(cal.report_start)[None, :]
    ph1, ph2, p21 = th["property_growth_h1"], th["property_growth_h2"], th["property_growth_2021"]
    first_half = (np.clip(kr, 0, None) % 4) < 2
    same20 = np.where(first_half, 1.0 + ph1 / 100.0, 1.0 + ph2 / 100.0)
    prop_idx = np.where(kr < 0, 1.0, np.where(kr < 4, same20, same20 * (1.0 + p21 / 100.0)))
    same20_0 = np.where(first_half, 1.0 + ph1 / 100.0, 1.0 + ph1 / 100.0)
    prop_0 = np.where(kr < 0, 1.0, np.where(kr < 4, same20_0, same20_0 * (1.0 + np.zeros_like(ph1) / 100.0)))
    rest = trend_r * (1.0 - gap_r) * (1.0 + th["property_va_elasticity"] * (prop_idx / prop_0 - 1.0))
    out: dict[str, np.ndarray] = {}
    inj = inputs.injections
    direct_vat = direct_cit = direct_prop = direct_nontax = np.zeros((1, t_n))
    retail_l = np.zeros((1, t_n))
    if "tax_fee_relief" in inj:
        x = inj["tax_fee_relief"]
        # relief split in four: exemptions (the rest), fees, rent and interest, deferrals
        w_tot = th["relief_share_fees"] + th["relief_share_rent"] + th["relief_deferral_share"]
        w_sc = 1.0 / np.maximum(w_tot, 1.0)
        w_ex = 1.0 - w_tot * w_sc
        granted = (th["relief_deferral_share"] * w_sc) * x
        # deferrals granted in s are repaid in max(s + lag, covid_start + due), added quarter by quarter
        lag = np.asarray(th["relief_deferral_lag"]).reshape(-1, 1).astype(int)
        due = np.asarray(th["relief_deferral_due"]).reshape(-1, 1).astype(int)
        qs = np.arange(t_n)
        when = np.maximum(qs[None, :] + lag, span.index(cal.covid_start) + due)
        r_n = max(granted.shape[0], when.shape[0])
        when, g = np.broadcast_to(when, (r_n, t_n)), np.broadcast_to(granted, (r_n, t_n))
        repaid = np.zeros((r_n, t_n))
        row = np.broadcast_to(np.arange(r_n)[:, None], (r_n, t_n))
        keep = when < t_n
        np.add.at(repaid, (row[keep], when[keep]), g[keep])
        deferred = granted - repaid
        c_ex, c_fee, c_rent = w_ex * x, (th["relief_share_fees"] * w_sc) * x, (th["relief_share_rent"] * w_sc) * x
        impulse = (th["relief_multiplier"] * c_ex + th["relief_fee_multiplier"] * c_fee
                   + th["relief_rent_multiplier"] * c_rent + th["relief_deferral_multiplier"] * deferred)
        lam = th["relief_lag_decay"]
        gdp_l = _filter((1.0 - lam) * (impulse / defl1), lam)
        dig_l = th["relief_digital_share"] * gdp_l
        exempt = th["relief_budget_share"] * c_ex
        not_vat = (1.0 - th["relief_exempt_vat"]) * exempt
        direct_vat = -th["relief_exempt_vat"] * exempt
        direct_prop = -th["relief_exempt_property"] * not_vat
        direct_cit = -(1.0 - th["relief_exempt_property"]) * not_vat - th["relief_deferral_budget_share"] * deferred
        direct_nontax = -(th["relief_fee_budget_share"] * c_fee + th["relief_rent_budget_share"] * c_rent)
        net_rev = direct_vat + direct_prop + direct_cit + direct_nontax
        digital = digital + dig_l
        rest = rest + (gdp_l - dig_l)
        out.update(tax_fee_relief_gdp_real=dig_l + (gdp_l - dig_l), tax_fee_relief_revenue_direct=net_rev,
                   tax_fee_relief_cost=-net_rev, tax_fee_relief_injection=x)
    if "major_projects" in inj:
        x = inj["major_projects"]
        add = th["projects_additionality"] * x
        lam = th["projects_lag_decay"]
        scale = th["projects_multiplier"] * th["projects_local_content"]
        gdp_l = scale * _filter((1.0 - lam) * (add / defl1), lam)
        dig_l = th["projects_digital_share"] * gdp_l
        digital = digital + dig_l
        rest = rest + (gdp_l - dig_l)
        out.update(major_projects_gdp_real=dig_l + (gdp_l - dig_l), major_projects_revenue_direct=np.zeros((1, t_n)),
                   major_projects_cost=th["projects_budget_share"] * add, major_projects_injection=x)
    if "consumption_events" in inj:
        x = inj["consumption_events"]
        redeemed = th["voucher_redemption"] * x
        spend = th["voucher_leverage"] * redeemed
        net = spend - th["voucher_pull_forward"] * _shift(spend, 1)
        gdp_l = th["consumption_va_share"] * net / defl1
        dig_l = th["consumption_digital_share"] * gdp_l
        digital = digital + dig_l
        rest = rest + (gdp_l - dig_l)
        retail_l = retail_l + net
        out.update(consumption_events_gdp_real=dig_l + (gdp_l - dig_l),
                   consumption_events_revenue_direct=np.zeros((1, t_n)), consumption_events_cost=redeemed,
                   consumption_events_injection=x, consumption_events_retail=net)
    gdp_real = digital + rest
    gdp = gdp_real * defl
    dig_nom = digital * defl
    # revenue by tax type: each share of 2019's quarter times its base against 2019's, plus the levers
    n_y = years.size

    def rel(v: np.ndarray) -> np.ndarray:
        return (v.reshape(v.shape[0], n_y, 4) / v[:, 4:8][:, None, :]).reshape(v.shape)

    r_gdp_retail = rel(gdp)
    r_gdp = np.maximum(r_gdp_retail, 0.01)  # revenue's bases at least 1% of 2019's
    cw = th["cit_digital_weight"]
    r_prof = cw * np.maximum(rel(dig_nom), 0.01) + (1.0 - cw) * np.maximum(rel(gdp - dig_nom), 0.01)
    vat_cut = np.where((kr >= 0) & (kr % 4 == 0), 1.0 - th["vat_cut_base_effect"], 1.0)
    base19 = np.tile(rev19, (1, n_y))
    tau, g19 = b.tax_share_2019, b.revenue_growth_2019
    s_tot = th["revenue_share_vat"] + th["revenue_share_cit"] + th["revenue_share_pit"] + th["revenue_share_property"]
    s_sc = 1.0 / np.maximum(s_tot, 1.0)
    s_vat, s_cit = tau * th["revenue_share_vat"] * s_sc, tau * th["revenue_share_cit"] * s_sc
    s_pit, s_prop = tau * th["revenue_share_pit"] * s_sc, tau * th["revenue_share_property"] * s_sc
    s_oth = tau * (1.0 - s_tot * s_sc)
    s_non = np.full_like(s_oth, 1.0 - tau)
    resid = np.where(kr < 0, 0.0, th["revenue_h1_residual"] * th["revenue_residual_persistence"] ** np.maximum(kq, 0))
    vat = s_vat * base19 * (r_gdp ** th["tax_buoyancy"] * vat_cut)
    cit = s_cit * base19 * r_prof ** th["cit_buoyancy"]
    pit = s_pit * base19 * r_gdp ** th["pit_buoyancy"]
    ptax = s_prop * base19 * prop_idx ** th["property_tax_elasticity"]
    oth = s_oth * base19 * r_gdp ** th["tax_buoyancy"]
    nontax = s_non * base19 * r_gdp ** th["nontax_elasticity"] + base19 * resid / 100.0
    if inputs.revenue_noise is not None:
        rs = 1.0 + inputs.revenue_noise / 100.0
        vat, cit, pit, ptax, oth, nontax = (v * rs for v in (vat, cit, pit, ptax, oth, nontax))
    for v, sh in ((vat, s_vat), (cit, s_cit), (pit, s_pit), (ptax, s_prop), (oth, s_oth), (nontax, s_non)):
        v[:, :4] = sh * rev19 / (1.0 + g19)
    vat += direct_vat
    cit += direct_cit
    ptax += direct_prop
    nontax += direct_nontax
    tax = vat + cit + pit + ptax + oth
    # retail sales: 2019's (GDP profile) times nominal GDP against 2019's, the rest's gap, the levers
    r19 = b.retail_2019 * (gdp19 / gdp19.sum(axis=1, keepdims=True))
    sales = np.tile(r19, (1, n_y)) * r_gdp_retail * (1.0 - gap_r) ** th["retail_gap_elasticity"] + retail_l
    sales[:, :4] = r19 / (1.0 + b.retail_growth_2019)
    out.update(revenue_vat=vat, revenue_cit=cit, revenue_pit=pit, revenue_property=ptax, revenue_other_tax=oth)
    out.update(gdp_real=gdp_real, digital_real=digital, rest_real=rest, trend_real=trend_d + trend_r, gdp=gdp,
               digital=dig_nom, deflator=defl, revenue=tax + nontax, tax_revenue=tax, nontax_revenue=nontax,
               retail=sales, gap_digital=gap_d, gap_rest=gap_r)
    return {k: np.broadcast_to(v, (n, t_n)) for k, v in out.items()}
