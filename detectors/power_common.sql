-- What the power detectors reading raw kWh share (continuous_load, night_load, peer_outlier,
-- trade_night). Installed by detectors.base.install_power_macros.

-- name: reading_caps
-- Beyond what a connection can carry a value is absurd, not a load: a day's kWh over
-- absurd_kva_factor x contract kVA x 24 h (kVA ~ kW), an interval reading's over four times
-- that power for an hour — the same cap whatever the interval (15, 30 or 60 minutes: the
-- reading's length is not known here), so an hourly export is not cut where the 15-minute one
-- of the same load is not (a load some times its contract: 增容 not yet in the archive, or a
-- wrong capacity, is real and telling). An account without a contract capacity has no cap.
create or replace temp macro xhg_reading_caps(absurd_kva_factor) as table
    select
        account_no,
        4 * absurd_kva_factor * contract_kva as max_interval_kwh,
        absurd_kva_factor * 24 * contract_kva as max_day_kwh
    from power_accounts
    where contract_kva > 0;
