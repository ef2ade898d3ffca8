"""The comparison group's matching rules on hand-made people (issue 18)."""

from __future__ import annotations

from datetime import date

from mdtdesk.impact.matching import Person, age_band, efi_band, match

T0 = date(2026, 1, 10)


def person(nhs: str, born: date, sex: str = "female", efi: float | None = 0.3,
           died: date | None = None) -> Person:  # fmt: skip
    return Person(nhs, sex, born, efi, died)


def none_before(_person: Person, _t0: date) -> int:
    return 0


def test_bands() -> None:
    assert age_band(date(1950, 1, 11), T0) == 75  # 75 at t0, 76 the day after
    assert age_band(date(1951, 1, 11), T0) == 70  # 74 at t0: the 70-74 band
    assert [efi_band(s) for s in (None, 0.12, 0.13, 0.24, 0.25, 0.36, 0.37)] == [
        "none", "fit", "mild", "mild", "moderate", "moderate", "severe",
    ]  # fmt: skip


def test_nearest_birth_first_ties_by_nhs_number_and_each_used_once() -> None:
    case_a = person("9990000001", date(1950, 6, 15))
    case_b = person("9990000002", date(1950, 6, 15))
    register = [
        person("9990000103", date(1950, 6, 20)),  # 5 days
        person("9990000102", date(1950, 6, 10)),  # 5 days, lower NHS number: first
        person("9990000101", date(1950, 6, 16)),  # 1 day
        person("9990000104", date(1950, 7, 30)),  # 45 days
        person("9990000105", date(1950, 8, 30)),
    ]
    first, second = match([(case_b, T0), (case_a, T0)], register, none_before)
    assert first.case == case_a  # by t0, then NHS number
    assert [p.nhs_number for p in first.controls] == ["9990000101", "9990000102", "9990000103"]
    assert [p.nhs_number for p in second.controls] == ["9990000104", "9990000105"]


def test_only_the_same_sex_age_band_efi_band_and_pre_admissions_alive_at_t0() -> None:
    case = person("9990000001", date(1950, 6, 15), efi=0.3)
    register = [
        person("9990000101", date(1950, 6, 15), sex="male"),
        person("9990000102", date(1950, 6, 15), efi=0.4),  # severe, not moderate
        person("9990000103", date(1950, 6, 15), efi=None),
        person("9990000104", date(1950, 6, 15), died=T0),  # died on t0: not alive
        person("9990000105", date(1951, 1, 11)),  # 74 at t0: another band
        person("9990000106", date(1950, 6, 15)),  # two admissions before: 2+
        person("9990000107", date(1949, 1, 1), died=date(2026, 1, 11)),  # alive at t0
    ]
    admissions = {"9990000001": 2, "9990000106": 5, "9990000107": 2}

    def before(p: Person, _t0: date) -> int:
        return admissions.get(p.nhs_number, 0)

    [m] = match([(case, T0)], register, before)
    assert [p.nhs_number for p in m.controls] == ["9990000106", "9990000107"]


def test_a_case_with_no_one_like_them_is_unmatched() -> None:
    [m] = match([(person("9990000001", date(1950, 6, 15), efi=None), T0)],
                [person("9990000101", date(1950, 6, 15))], none_before)  # fmt: skip
    assert m.controls == []


def test_the_births_of_an_age_band_are_exactly_the_people_in_it() -> None:
    from datetime import timedelta

    from mdtdesk.impact.matching import band_births

    for t0 in (T0, date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2024, 12, 31)):
        for band in (65, 70, 90):
            earliest, latest = band_births(band, t0)
            first, last = date.fromordinal(earliest), date.fromordinal(latest)
            assert age_band(first, t0) == band and age_band(last, t0) == band
            assert age_band(first - timedelta(days=1), t0) == band + 5
            assert age_band(last + timedelta(days=1), t0) == band - 5


def test_someone_as_near_but_across_the_age_band_edge_is_not_taken() -> None:
    # 75 on t0 (their birthday): the 75-79 band. A day younger is 74, another band.
    case = person("9990000001", date(1951, 1, 10))
    register = [
        person("9990000101", date(1951, 1, 11)),  # 1 day: 74 at t0
        person("9990000102", date(1951, 1, 9)),  # 1 day: 75
        person("9990000103", date(1951, 2, 9)),  # 74
        person("9990000104", date(1950, 12, 1)),  # 75
    ]
    [m] = match([(case, T0)], register, none_before)
    assert [p.nhs_number for p in m.controls] == ["9990000102", "9990000104"]
