"""What the demo's people write: composed from parts so that wording varies the way real
posts do (typos, emoji with and without U+FE0F, sarcasm, negation, shouting, hashtags,
questions without a question mark), never a handful of fixed sentences.

Randomness comes from a Picker that walks a block of pre-drawn integers, so composing a
text costs a few list look-ups and stays deterministic for a seed.
"""

from __future__ import annotations

import numpy as np

from .demo_world import Brand


class Picker:
    """Choices from a stream of pre-drawn random integers (refilled from the chunk's rng)."""

    def __init__(self, rng: np.random.Generator, block: int = 4096):
        self._rng, self._block = rng, block
        self._values = rng.integers(0, 1 << 30, block).tolist()
        self._next = 0

    def integer(self, bound: int) -> int:
        if self._next >= len(self._values):
            self._values = self._rng.integers(0, 1 << 30, self._block).tolist()
            self._next = 0
        value = self._values[self._next]
        self._next += 1
        return value % bound

    def chance(self, probability: float) -> bool:
        return self.integer(10_000) < probability * 10_000

    def one(self, options):
        return options[self.integer(len(options))]


_CITIES = {
    "Europe/London": ("Manchester", "Edinburgh", "Bristol", "Leeds", "Glasgow", "Cardiff"),
    "Europe/Berlin": ("Berlin", "Hamburg", "Munich", "Cologne", "Leipzig", "Dresden"),
    "Europe/Paris": ("Lyon", "Lille", "Nantes", "Bordeaux", "Toulouse", "Nice"),
    "America/New_York": ("Boston", "Newark", "Philly", "Charlotte", "Atlanta", "Orlando"),
    "America/Chicago": ("Chicago", "Dallas", "Austin", "Omaha", "Madison", "St. Louis"),
    "America/Los_Angeles": ("Portland", "Oakland", "San Diego", "Fresno", "Sacramento", "Reno"),
}
_CURRENCY = {"Europe/London": "£", "America/New_York": "$", "America/Chicago": "$",
             "America/Los_Angeles": "$"}

# Problems by industry: (topic, full phrase, short phrase for sarcasm). Slots: {city} {n}
# {money} {ref} {when}.
_PROBLEMS = {
    "airline": (
        ("delay", "my flight {ref} has been delayed {n} hours", "another delay"),
        ("cancel", "you cancelled my flight {ref} with zero notice", "a cancelled flight"),
        ("bag", "my bag didn't make it to {city}", "lost luggage"),
        ("refund", "still waiting on my refund for {ref}, it's been {n} weeks", "no refund"),
        ("rebook", "your app won't let me rebook after the cancellation", "the app crashing"),
        ("seat", "paid {money} for extra legroom and got a middle seat by the toilets", "a broken seat"),
        ("staff", "the gate staff in {city} were so rude to my elderly mum", "rude staff"),
        ("checkin", "online check-in keeps failing with an error", "check-in failing"),
    ),
    "telecom": (
        ("signal", "no signal in {city} since {when}", "no signal"),
        ("internet", "home internet down AGAIN", "the wifi dropping"),
        ("bill", "you charged me {money} twice this month", "a double charge"),
        ("speed", "paying for 500mb and getting 3", "3mb speeds"),
        ("roaming", "roaming charges of {money} even though I have the travel pack", "surprise roaming fees"),
        ("contract", "been trying to cancel my contract for {n} weeks", "being stuck in a contract"),
        ("router", "the new router reboots every 20 minutes", "the router rebooting"),
        ("porting", "my number port has been stuck for {n} days", "a stuck number transfer"),
    ),
    "retail": (
        ("late", "order {ref} was due {when} and still nothing", "a late order"),
        ("wrong", "ordered a grey sofa and got a green armchair", "the wrong item"),
        ("refund", "returned my order {n} weeks ago and no refund yet", "no refund"),
        ("damaged", "my table arrived smashed", "damaged goods"),
        ("stock", "out of stock again after you emailed me it was back", "out of stock"),
        ("checkout", "checkout on your website keeps failing at payment", "checkout failing"),
        ("staff", "staff at the {city} store just ignored me", "being ignored in store"),
        ("delivery", "the driver left my parcel in the rain", "a soaked parcel"),
    ),
}
_INCIDENT_PROBLEMS = {
    "outage": ("no mobile data at all since this morning", "the network being down",
               "network completely down in {city}", "can't call or text anyone, is the whole network down"),
    "meltdown": ("every flight out of {city} cancelled and nobody at the desk", "the system meltdown",
                 "stuck in a queue of 300 people in {city}, no staff, no info",
                 "check-in systems down at {city}, missed my flight"),
}
_CONSEQUENCES = {
    "airline": ("Missed my connection.", "Now I'm stuck at the airport.", "Holiday ruined.",
                "Kids have been crying for hours.", "Nobody at the desk."),
    "telecom": ("Can't work from home.", "I rely on this for my business.", "On hold for 2 hours.",
                "Third time this month.", "Paying for nothing."),
    "retail": ("Took a day off work for this.", "It was a birthday present.", "On hold for an hour.",
               "Customer service just hangs up.", "Will be shopping elsewhere."),
}
_GENERIC_CONSEQUENCES = ("This is ridiculous.", "Nobody is helping.", "Worst customer service ever.",
                         "I want my money back.", "Absolutely useless.", "So frustrating.")
_OPENERS = ("", "", "", "hey ", "seriously, ", "so ", "unbelievable. ", "for the 3rd time: ",
            "ok so ", "honestly ")
_CLOSERS = ("", "", "Sort it out!", "Do better.", "Thanks for nothing.", "Not impressed.",
            "Not happy at all.", "Never again.", "Fix this please")
_ANGRY = ("", "", " 😡", " 🤬", " 😤", " ☹️", " ☹", " 😒", " 👎", " 😠😠")
_EYE_ROLL = (" 🙄", " 🙃", "", " 👏👏", " 😑")
_HEARTS = (" ❤️", " ❤", " 🙌", " 👏", " 💯", " 😍", " 🙏", "", " ✨")

_TASKS = {
    "airline": ("add a bag to my booking", "change the name on my ticket", "bring my dog on board",
                "get a receipt for my flight", "pick seats for free", "join the waitlist for {ref}"),
    "telecom": ("switch to an eSIM", "unlock my phone", "add roaming for Canada", "change my plan",
                "keep my number when I move", "get a paper bill"),
    "retail": ("return something without the receipt", "track my order {ref}",
               "change my delivery address", "use two gift cards at once", "book a click and collect slot",
               "get an invoice with my company name"),
}
_PRAISE = {
    "airline": ("the amazing crew on {ref}", "getting my lost bag back in a day",
                "the free upgrade", "the smoothest boarding ever"),
    "telecom": ("sorting my bill in 5 minutes", "the great signal even out in the hills",
                "the engineer who fixed my line today", "the painless switch to eSIM"),
    "retail": ("the fastest delivery ever", "the lovely staff at the {city} store",
               "the no-fuss refund", "the perfect sofa"),
}
_CHATTER = {
    "airline": ("Off to {city} with {h} ✈️ #holiday", "window seat secured ✈️ #travel",
                "{h} new uniforms look sharp tbh", "watching planes at {city} airport, {h} livery is 🔥",
                "{h} inflight magazine has a crossword and I'm hooked", "boarding soon, see you {city} 🌴"),
    "telecom": ("{h} ad with the dancing cat is everywhere lol", "switched to {h} last month, so far so good",
                "new phone day 📱 thanks {h}", "{h} shop in {city} has a queue out the door for the new phone",
                "the {h} shop dog in {city} is the real MVP 🐶", "my mum just discovered voice notes 😂 {h}"),
    "retail": ("{h} summer sale starts tomorrow apparently", "just saw the new {h} store in {city}",
               "{h} candles are my weakness 🕯️", "rearranged the living room with my {h} haul",
               "the {h} catalogue came, time to dream", "{h} meatballs > everything"),
}
_FOLLOW_UPS = ("{h} hello?? anyone there", "{h} still waiting for an answer", "any update on this {h}",
               "{n} hours and nothing {h}", "Still nothing. #ignored", "helloooo {h} 👋",
               "{h} why are you ignoring me", "bump {h}", "{h} ??", "{h} it's been a day. nothing.",
               "great, still no reply 🙄 {h}", "{h} do you even read these", "{h} STILL WAITING")
_ANSWERS = {
    "airline": ("We've rebooked you on tomorrow's 09:40 and the confirmation is in your inbox.",
                "Your bag has been found in {city} and will be delivered to you tonight.",
                "Your refund of {money} was processed today; it shows within 3 working days.",
                "We've added a {money} voucher to your booking for the trouble."),
    "telecom": ("We've reset the line on our side; it should be back within 10 minutes.",
                "The double charge has been reversed, you'll see the credit on your next bill.",
                "Engineers fixed the mast near {city} this morning, signal should be back now.",
                "We've upgraded your router for free, it ships today."),
    "retail": ("Your replacement is on its way, tracking {ref}.",
               "We've refunded {money} to your card today.",
               "Your order left our {city} warehouse this morning and arrives tomorrow.",
               "We've spoken to the store manager in {city} and added a {money} credit to your account."),
}
_ANSWER_QUESTION = ("Yes, that's possible and free of charge. I've set it up on your account now, "
                    "nothing else needed.",
                    "Done! I've made that change for you; a confirmation email is on its way.",
                    "Yes, it costs {money} once and it's added to your next bill. I've noted it for you.",
                    "Not at the moment I'm afraid, but it's coming this autumn.",
                    "Yes! You can also do it yourself under {menu} in the app, it takes a minute.")
_MENUS = ("Manage", "Settings", "My orders", "Extras", "Plans", "Preferences")
_APOLOGIES = ("So sorry about this.", "Sorry for the trouble.", "Really sorry to hear that.",
              "Apologies for this.", "That's not the experience we want for you.")
_DEFLECTIONS = ("Please DM us your booking reference and we'll take a look.",
                "Please send us a DM with your account number so we can look into this.",
                "Please call us at {phone}, our team will be happy to help.",
                "Please fill in the form at https://{site}/form and we'll get back to you.",
                "Please see https://{site}/faq for more information.",
                "Please contact our support team via https://{site} so we can investigate.",
                "We can't discuss account details here, please reach out via DM.",
                "Please email us at care@{site} with your details.")
_THANKS = ("Thanks so much {name}! 💙", "We love to hear it, {name}! Thank you 😊",
           "Thank you for the kind words {name}!", "That made our day {name} 🙌", "Thanks {name}! ❤️")
_CHATTER_REPLY = ("Haha thanks {name}! 😄", "Enjoy, {name}!", "Love this {name} 🙌")
_BACK_GOOD = ("thanks, that worked!", "brilliant, thank you 🙏", "sorted now, cheers",
              "appreciate the quick reply", "perfect, thanks a lot", "oh great, thank you!!")
_BACK_DEFLECTED = ("I already DMed you twice and nobody replied", "why can't you just answer here",
                   "called, 45 minutes on hold and they hung up 🙄", "the form doesn't even load",
                   "that link just takes me back to the FAQ. Useless.", "I've filled in that form 3 times already")
_BACK_BAD = ("still not working", "it's been 3 days and still nothing", "that's not what I asked",
             "no it isn't, still broken", "nope. still waiting")
_QUOTES = ("this 👇", "lol not surprised", "and people wonder why nobody trusts {h}", "yikes",
           "every single time", "same thing happened to my sister last week", "👀", "wow.",
           "can confirm", "this is why I switched", "oof", "RT for visibility", "{h} look at this")
_TAGS = {"airline": ("#travel", "#flying", "#airtravel"), "telecom": ("#broadband", "#mobile", "#5G"),
         "retail": ("#shopping", "#delivery", "#customerservice")}
_BRAND_POSTS = {
    "airline": ("New routes to {city} from next month! Book now ✈️ https://{site}",
                "Weekend flash sale: 20% off all fares until Sunday ☀️",
                "Meet Captain Ana, flying with us for 25 years 👩‍✈️",
                "Travel tip: check in online 24h before departure to save time at the airport.",
                "Where are you flying this summer? Tell us below 👇"),
    "telecom": ("Our new unlimited plan is here 🚀 https://{site}", "5G now live in {city}! 📶",
                "Tip: turn on wifi calling for better indoor coverage.",
                "Quiz time: what was your first mobile phone? 📱",
                "Double data for all customers this weekend 🎉"),
    "retail": ("Summer collection just landed ☀️ https://{site}", "Our {city} store reopens Saturday 🎉",
               "Free delivery on all orders this week 🚚", "Show us your living room makeovers 👇",
               "Tip: our click and collect is ready in 2 hours."),
}
_STATUS_POSTS = {
    "outage": "We're aware of an issue affecting mobile data for some customers. Our engineers are on it "
              "and we'll update here. Sorry for the disruption.",
    "meltdown": "We're experiencing a system outage affecting check-in at several airports. Please allow "
                "extra time; we will update here as soon as we know more.",
}


class Wording:
    """Texts for one brand; every method takes the chunk's Picker."""

    def __init__(self, brand: Brand):
        self.brand = brand
        self.industry = brand.industry
        self.cities = _CITIES[brand.timezone]
        self.currency = _CURRENCY.get(brand.timezone, "€")
        self.flight_code = "".join(w[0] for w in brand.name.split()[:2]).upper()
        self.short_name = brand.name.split()[0]
        self.tag = "#" + self.short_name.lower()

    # ----- customers
    def customer_post(self, p: Picker, intent: int, topic: int, incident: str | None,
                      address: bool) -> str:
        """A customer's own message: a tweet addressing the brand or a facebook comment."""
        # A tweet names the handle; a comment on the page names the brand, if anything.
        h = f"@{self.brand.handle}" if address else self.short_name
        if intent == 0:
            text = self._complaint(p, topic, incident, h)
        elif intent == 1:
            text = self._question(p, h)
        elif intent == 2:
            text = self._praise(p, h)
        else:
            text = self._chatter(p, h)
        text = " ".join(text.split())
        return mangle(p, text) if p.chance(0.18) else text

    def topic_count(self) -> int:
        return len(_PROBLEMS[self.industry])

    def _complaint(self, p: Picker, topic: int, incident: str | None, h: str) -> str:
        if incident:
            problem = self._fill(p, p.one(_INCIDENT_PROBLEMS[incident]))
            short = _INCIDENT_PROBLEMS[incident][1]
        else:
            _, problem, short = _PROBLEMS[self.industry][topic]
            problem = self._fill(p, problem)
        form = p.integer(10)
        if form == 0:    # sarcasm: positive words, negative meaning
            return self._fill(p, p.one((
                f"Great, {short} again. Thanks a lot {h}{p.one(_EYE_ROLL)}",
                f"Love it when {problem}. Really top service {h}{p.one(_EYE_ROLL)}",
                f"oh wonderful, {short}. never change {h}{p.one(_EYE_ROLL)}",
                f"wow {h} just wow. {problem}. amazing work{p.one(_EYE_ROLL)}")))
        if form == 1:    # shouting
            return f"{h} {problem.upper()}!!! {p.one(_CLOSERS).upper()}{p.one(_ANGRY)}"
        if form == 2:    # negation carries the sentiment
            return p.one((f"{h} not happy at all. {problem}. Not impressed.",
                          f"{problem} and {h} doesn't care{p.one(_ANGRY)}",
                          f"{h} {problem}, and no, I won't 'try again later'",
                          f"never using {h} again. {problem}."))
        consequence = p.one(_CONSEQUENCES[self.industry] + _GENERIC_CONSEQUENCES)
        tag = p.one(("", "", "", " #fail", " #customerservice", f" {self.tag}fail", " #neveragain",
                     " " + p.one(_TAGS[self.industry])))
        lead = p.one(_OPENERS)
        if h and p.chance(0.5):
            return f"{lead}{problem} {h}. {consequence} {p.one(_CLOSERS)}{p.one(_ANGRY)}{tag}"
        return f"{h} {lead}{problem}. {consequence} {p.one(_CLOSERS)}{p.one(_ANGRY)}{tag}"

    def _question(self, p: Picker, h: str) -> str:
        task = self._fill(p, p.one(_TASKS[self.industry]))
        return p.one((f"{h} how do I {task}?", f"{h} can I {task}", f"does anyone know if {h} lets you {task}",
                      f"quick question {h}: is it possible to {task}?", f"{h} is there a way to {task}??",
                      f"hi {h}, I need to {task}, where do I do that", f"{h} how can i {task} pls"))

    def _praise(self, p: Picker, h: str) -> str:
        good = self._fill(p, p.one(_PRAISE[self.industry]))
        return p.one((f"Shoutout to {h} for {good}{p.one(_HEARTS)}", f"{h} you guys rock, thanks for {good}!",
                      f"Have to say {h} nailed it today: {good}. Thank you{p.one(_HEARTS)}",
                      f"Not often I say this but well done {h} for {good}",
                      f"honestly not bad at all {h}, {good}{p.one(_HEARTS)}"))

    def _chatter(self, p: Picker, h: str) -> str:
        return self._fill(p, p.one(_CHATTER[self.industry]), h=h or self.brand.name)

    def follow_up(self, p: Picker, address: bool) -> str:
        h = f"@{self.brand.handle}" if address else ""
        return " ".join(self._fill(p, p.one(_FOLLOW_UPS), h=h).split())

    def reply_back(self, p: Picker, outcome: str, address: bool) -> str:
        options = {"good": _BACK_GOOD, "deflected": _BACK_DEFLECTED, "bad": _BACK_BAD}[outcome]
        text = p.one(options)
        return f"@{self.brand.handle} {text}" if address else text

    def quote(self, p: Picker) -> str:
        return self._fill(p, p.one(_QUOTES), h=f"@{self.brand.handle}")

    # ----- the brand
    def answer(self, p: Picker, intent: int, name: str, deflect: bool, to_handle: str | None) -> str:
        greeting = f"Hi {name}! "
        if deflect:
            body = (p.one(_APOLOGIES) + " " if intent == 0 else "") + self._fill(p, p.one(_DEFLECTIONS))
        elif intent == 0:
            body = p.one(_APOLOGIES) + " " + self._fill(p, p.one(_ANSWERS[self.industry]))
        elif intent == 1:
            body = self._fill(p, p.one(_ANSWER_QUESTION))
        else:
            return self._address(self._fill(p, p.one(_THANKS if intent == 2 else _CHATTER_REPLY),
                                            name=name), to_handle)
        sign = p.one(("", "", f" ^{chr(65 + p.integer(26))}{chr(65 + p.integer(26))}", " - Sam", " - Priya"))
        return self._address(greeting + body + sign, to_handle)

    def brand_post(self, p: Picker) -> str:
        return self._fill(p, p.one(_BRAND_POSTS[self.industry]))

    def status_post(self, incident: str) -> str:
        return _STATUS_POSTS[incident]

    @staticmethod
    def _address(text: str, to_handle: str | None) -> str:
        return f"@{to_handle} {text}" if to_handle else text

    def _fill(self, p: Picker, template: str, h: str = "", name: str = "") -> str:
        if "{" not in template:
            return template
        return template.format(
            h=h, name=name, city=p.one(self.cities), n=2 + p.integer(9),
            money=f"{self.currency}{20 + p.integer(380)}", menu=p.one(_MENUS),
            ref=f"{self.flight_code}{100 + p.integer(9000)}" if self.industry == "airline"
            else f"#{400000 + p.integer(600000)}",
            when=p.one(("Monday", "last week", "yesterday", "the 3rd", "Friday", "this morning")),
            site=self.brand.site, phone=self.brand.phone)


def mangle(p: Picker, text: str) -> str:
    """Typos as people make them: swapped, dropped or doubled letters, lost apostrophes,
    everything in lower case."""
    words = text.split(" ")
    for _ in range(1 + p.integer(2)):
        candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if not candidates:
            break
        i = p.one(candidates)
        word, k = words[i], 1 + p.integer(len(words[i]) - 2)
        kind = p.integer(3)
        if kind == 0:
            words[i] = word[:k - 1] + word[k] + word[k - 1] + word[k + 1:]
        elif kind == 1:
            words[i] = word[:k] + word[k + 1:]
        else:
            words[i] = word[:k] + word[k] + word[k:]
    text = " ".join(words)
    if p.chance(0.4):
        text = text.replace("'", "")
    if p.chance(0.3):
        text = text.lower()
    return text


def retweet_text(author_handle: str, text: str) -> str:
    body = f"RT @{author_handle}: {text}"
    return body if len(body) <= 140 else body[:139] + "…"
