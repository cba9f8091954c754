-- What the power detectors reading raw kWh share (continuous_load, night_load, peer_outlier,
-- trade_night). Installed by detectors.base.install_power_macros.

-- name: reading_caps
-- Beyond what a connection can carry a value is absurd, not a load: kWh per reading over
-- absurd_kva_factor x contract kVA x 1 h (a 60-minute interval; kVA ~ kW), per day x 24 h.
-- Loads above the contract itself are real (and telling), hence the generous factor. An
-- account without a contract capacity has no cap.
create or replace temp macro xhg_reading_caps(absurd_kva_factor) as table
    select
        account_no,
        absurd_kva_factor * contract_kva as max_interval_kwh,
        absurd_kva_factor * 24 * contract_kva as max_day_kwh
    from power_accounts
    where contract_kva > 0;
