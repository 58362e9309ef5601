"""Word of mouth: what unresolved negative experiences may cost. Assumption-driven by design."""

from __future__ import annotations

DEFAULT_MULTIPLIER = 5.0
# The most the dashboard's box and the audit command take: a hundred customers turned away by one
# experience is already far past any published estimate, and beyond it '%g' wrote 1.23457e+06.
MAX_MULTIPLIER = 100.0
# Where the default comes from, shown wherever the multiplier is (SPEC 4: an assumption with its source).
SOURCE = ("the customer-service literature this product starts from (\"one customer turned off costs "
          "about five\")")


def as_typed(value: float) -> str:
    """A user-set customer value as typed, with separators: 1,500,000 and 12.50, where '%g'
    wrote 1.5e+06 and 12.5."""
    return f"{value:,.2f}".removesuffix(".00")


def source_note(multiplier: float) -> str:
    """Whose figure the multiplier is: the default's source, or the user's own beside it."""
    if multiplier == DEFAULT_MULTIPLIER:
        return f"after {SOURCE}"
    return f"yours; the default {DEFAULT_MULTIPLIER:g} is after {SOURCE}"


def assumption(multiplier: float, value_note: str = "") -> str:
    return (f"Assumption, not a measurement: each unresolved negative experience is taken to turn away "
            f"{multiplier:g} customers ({source_note(multiplier)}){value_note}. Change the multiplier and "
            "the customer value to your own figures.")


def definitions(multiplier: float = DEFAULT_MULTIPLIER) -> dict[str, str]:
    """The word-of-mouth figures' definitions, with the multiplier in use."""
    return {
        "customers lost (assumed)": (
            "Ignored complaints of the selection (complaint care requests with no brand response within "
            "the horizon H and older than H: the ghost-town rate's ignored) x the word-of-mouth "
            f"multiplier (default {DEFAULT_MULTIPLIER:g}, set in the sidebar). Not counted, so a floor: "
            "complaints answered only by a redirect (a deflection), complaints still pending, and "
            "negative messages not scored as complaints. " + assumption(multiplier)),
        "revenue at risk (assumed)": (
            "Customers lost (assumed) x the customer value the user sets in the sidebar (no value set: "
            "no figure). Both factors are assumptions, not measurements."),
    }


DEFINITIONS = definitions()


def word_of_mouth(unresolved_negative: int, multiplier: float = DEFAULT_MULTIPLIER,
                  customer_value: float | None = None) -> dict:
    """Estimated customers lost and revenue at risk, always with the assumption spelled out."""
    if unresolved_negative < 0 or multiplier < 0:
        raise ValueError("unresolved_negative and multiplier must not be negative")
    # + 0.0: a typed '-0' (the audit's --wom-multiplier -0 passes 'at least 0') printed '-0 customers'
    multiplier += 0.0
    customer_value = None if customer_value is None else customer_value + 0.0
    lost = unresolved_negative * multiplier
    value_note = (f"; revenue at risk uses a customer value of {as_typed(customer_value)}, a user-set input"
                  if customer_value is not None else "; no customer value set, so no revenue figure")
    return {
        "unresolved_negative": unresolved_negative,
        "multiplier": multiplier,
        "customers_lost": lost,
        "customer_value": customer_value,
        "revenue_at_risk": None if customer_value is None else lost * customer_value,
        "assumption": assumption(multiplier, value_note),
    }
