"""The domain knowledge of the text analytics: lexicon changes and cue lists.

Only data lives here; etl/text.py compiles and applies it. The cues are written for
customer-service language in general (telecom, retail, banking, software, delivery,
travel), not for one data set.

Cue lists are phrases of one or more words, matched against the words of the lower-cased
text ("can't log in" matches "@acme i CANT log in!!"). A word ending in "*" matches any word
it begins ("frustrat*": frustrated, frustrating); "#" stands for any number ("# hours").
"""

from __future__ import annotations

# Spellings folded together before matching, on both the text and the cue side.
ALIASES = {
    "cant": "can't", "cannot": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't",
    "wont": "won't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't", "couldnt": "couldn't",
    "shouldnt": "shouldn't", "wouldnt": "wouldn't", "im": "i'm", "ive": "i've", "u": "you",
    "ur": "your", "pls": "please", "plz": "please", "thx": "thanks", "thanx": "thanks",
    "tks": "thanks", "hrs": "hours", "hr": "hour", "mins": "minutes", "min": "minutes",
    "wks": "weeks", "wk": "week", "mths": "months", "mnths": "months", "yrs": "years",
    "canceled": "cancelled", "cancelation": "cancellation", "cancelling": "cancelled",
    "canceling": "cancelled", "cancelled": "cancelled", "wifi": "wi-fi", "login": "log-in",
    "signin": "sign-in", "ppl": "people", "b4": "before", "2day": "today", "2nite": "tonight",
    "msg": "message", "r": "are", "y": "why", "bc": "because", "cuz": "because",
}

# VADER's lexicon was built for general social media. In customer service some words carry
# a different charge: "please help" is a request, not praise; "delayed" and "cancelled" are
# stronger than VADER rates them; "late", "stranded", "unhelpful" are missing.
LEXICON_UPDATES = {
    # requests and fillers that VADER counts as positive or negative
    "please": 0.0, "help": 0.0, "united": 0.0, "like": 0.4, "joke": -1.0, "yes": 0.4,
    "ok": 0.3, "okay": 0.3, "free": 0.8, "care": 0.3, "sorry": -0.3, "hope": 0.6,
    "hoping": 0.6, "want": 0.0, "wants": 0.0, "award": 0.3, "chance": 0.0, "fine": 0.4,
    "matter": 0.0, "no": -0.6, "support": 0.0, "credit": 0.0, "share": 0.2, "true": 0.4,
    "pretty": 0.3, "question": 0.0, "miss": -0.4, "missed": -1.2, "kind": 0.3,
    # service failures
    "delayed": -1.8, "delay": -1.6, "delays": -1.6, "late": -1.2, "cancelled": -1.8,
    "canceled": -1.8, "cancellation": -1.4, "stranded": -2.2, "stuck": -1.6,
    "overbooked": -1.6, "unhelpful": -2.0, "useless": -2.2, "incompetent": -2.4,
    "unprofessional": -2.2, "rude": -2.2, "ignored": -1.8, "ignoring": -1.8, "outage": -2.0,
    "glitch": -1.6, "glitchy": -1.6, "buggy": -1.6, "crashing": -1.8, "crashes": -1.6,
    "crashed": -1.8, "broke": -1.6, "damaged": -2.0, "overcharged": -2.2, "scam": -2.6,
    "ripoff": -2.4, "unacceptable": -2.4, "hassle": -1.6, "nightmare": -2.6, "wtf": -2.2,
    "smh": -1.6, "ugh": -1.6, "fml": -2.0, "disgrace": -2.4, "disgraceful": -2.6,
    "shambles": -2.4, "lied": -2.0, "refused": -1.6, "nobody": -1.0, "mess": -1.6,
    "messed": -1.6, "fiasco": -2.4, "waited": -0.8, "waiting": -0.6,
    "kudos": 2.4, "thx": 1.6, "appreciated": 2.2, "smooth": 1.6, "seamless": 2.0,
    "rockstar": 2.4, "superb": 3.0, "stellar": 2.6,
    "banger": 2.0,  # slang: something excellent ("the hold music is a banger")
}

# Multi-word expressions rewritten into single pseudo-words before VADER sees the text, so
# that the lexicon can give them a valence ("on hold" is not two neutral words here).
PHRASE_TOKENS = [
    (r"still (?:waiting|no\b|not\b|nothing|haven'?t|hasn'?t|can'?t|unable|don'?t)", "xstillwaiting", -1.6),
    (r"on hold\b|hold music|hold time", "xonhold", -1.4),
    (r"no (?:response|reply|replies|answer|call ?back|update|updates|help|info|information|explanation)\b", "xnoresponse", -2.0),
    (r"(?:charged|billed|debited) (?:me )?(?:twice|double|two times|2x)|double[- ]charged", "xchargedtwice", -2.4),
    (r"not working|doesn'?t work|don'?t work|isn'?t working|aren'?t working|won'?t work|stopped working|never works", "xnotworking", -2.0),
    (r"customer (?:service|care|support)", "xcustomerservice", 0.0),
    (r"thanks? (?:you )?(?:a lot )?for nothing", "xthanksfornothing", -2.5),
    (r"never again", "xneveragain", -2.4),
    (r"not (?:too |that |so |half |as )?bad\b", "xnotbad", 1.2),  # praise, not a negation and a trouble cue
    (r"waste of (?:time|money)|wasted (?:my )?(?:time|money|day|hours)", "xwaste", -2.4),
    (r"ripped off|rip[- ]off", "xripoff", -2.6),
    (r"hung up|hangs up|hang up on|hanging up", "xhungup", -2.0),
    (r"fed up|sick of|tired of", "xfedup", -2.2),
    (r"lost (?:my|our|his|her|the) (?:bag|bags|luggage|suitcase|package|parcel|order)", "xlostitem", -2.0),
    # Idioms VADER reads backwards: its negation flips the word after "couldn't be", and
    # "no" makes "no-fuss" a complaint. ("Can't believe" stays a complaint cue: in the
    # airline tweets all 15 that say it are negative.)
    (r"(?:couldn'?t|could not|can'?t|cannot) (?:be|have been|get) "
     r"(?:happier|better|more (?:pleased|satisfied|impressed|grateful))", "xcouldntbehappier", 2.6),
    (r"(?:couldn'?t|could not|can'?t|cannot) (?:be|have been|get) worse", "xcouldntbeworse", -2.6),
    (r"(?:can'?t|cannot|couldn'?t) complain", "xcantcomplain", 1.2),
    # "Can I just say" prefaces an opinion, not a question.
    (r"(?:can|could|may) i (?:just )?say\b", "xcanisay", 0.0),
    (r"no[- ](?:fuss|hassle|drama|quibble|questions asked)\b", "xnofuss", 1.6),
]

# Words of which every phrase above contains one: texts with none skip the phrase pass.
PHRASE_KEYWORDS = ("still", "hold", "no ", "no-", "twice", "double", "two times", "2x", "work", "customer",
                   "nothing", "never", "waste", "rip", "hung", "hang", "fed up", "sick of", "tired of", "lost",
                   "can't", "cant", "cannot", "couldn", "could not", "can i", "could i", "may i",
                   "bad")

# Emoji whose VADER description carries no sentiment word ("pouting face", "thumbs up").
EMOJI_VALENCE = {
    "\U0001F621": ("xemojiangry", -2.4), "\U0001F620": ("xemojiangry", -2.4),
    "\U0001F92C": ("xemojiangry", -2.8), "\U0001F624": ("xemojiangry", -1.8),
    "\U0001F612": ("xemojiannoyed", -1.6), "\U0001F644": ("xemojiannoyed", -1.6),
    "\U0001F44E": ("xemojithumbsdown", -2.0), "\U0001F4A9": ("xemojiannoyed", -1.8),
    "\U0001F611": ("xemojiannoyed", -1.0), "\U0001F610": ("xemojiannoyed", -0.6),
    "\U0001F926": ("xemojifacepalm", -1.8), "\U0001F937": ("xemojishrug", -0.6),
    "\U0001F643": ("xemojiannoyed", -0.8),
    "\U0001F44D": ("xemojithumbsup", 1.8), "\U0001F44C": ("xemojithumbsup", 1.6),
    "\U0001F64F": ("xemojithanks", 1.2), "\U0001F44F": ("xemojiclap", 1.6),
    "\u2764": ("xemojiheart", 2.4), "\U0001F499": ("xemojiheart", 2.4),
    "\U0001F49C": ("xemojiheart", 2.4), "\U0001F49A": ("xemojiheart", 2.4),
    "\U0001F49B": ("xemojiheart", 2.4), "\U0001F495": ("xemojiheart", 2.4),
    "\U0001F389": ("xemojiparty", 2.0), "\U0001F60D": ("xemojilove", 2.8),
    "\U0001F618": ("xemojilove", 2.4), "\U0001F970": ("xemojilove", 2.8),
    "\U0001F60A": ("xemojismile", 2.0), "\U0001F600": ("xemojismile", 2.0),
    "\U0001F601": ("xemojismile", 2.0), "\U0001F603": ("xemojismile", 2.0),
    "\U0001F604": ("xemojismile", 2.0), "\U0001F642": ("xemojismile", 1.2),
    "\u263A": ("xemojismile", 2.0), "\U0001F60E": ("xemojismile", 1.6),
    "\U0001F64C": ("xemojiclap", 2.0), "\U0001F4AF": ("xemojiclap", 1.6),
    "\U0001F622": ("xemojisad", -1.8), "\U0001F62D": ("xemojisad", -1.8),
    "\U0001F61E": ("xemojisad", -1.8), "\U0001F614": ("xemojisad", -1.4),
    "\U0001F629": ("xemojisad", -2.0), "\U0001F62B": ("xemojisad", -2.0),
    "\U0001F625": ("xemojisad", -1.6), "\U0001F613": ("xemojisad", -1.2),
    "\U0001F61F": ("xemojisad", -1.4), "\U0001F615": ("xemojisad", -1.0),
    "\U0001F641": ("xemojisad", -1.4), "\u2639": ("xemojisad", -1.6),
    "\U0001F62A": ("xemojisad", -1.0),
    # Laughter says nothing of polarity on its own ("delayed again 😂", "you guys are great 😂";
    # the Emoji Sentiment Ranking puts these near neutral): VADER's "face with tears of joy"
    # made the laughing face a complaint cue ("tears") and a little praise ("joy").
    "\U0001F602": ("xemojilaugh", 0.0), "\U0001F923": ("xemojilaugh", 0.0),
    # Hype on social media ("the new livery is 🔥"), not VADER's "fire".
    "\U0001F525": ("xemojifire", 1.2),
}

_FAILURE_VERBS = "load open connect start work charge update sync play stream log-in sign-in".split()
_ACCESS_VERBS = (
    "log-in|log in|sign-in|sign in|access|connect|get through|reach|get a hold|get hold|use|load|open|"
    "find my|download|stream|watch|make calls|pay|check in|book|change|get my|get a|get any|get the|"
    "get anyone|get someone|talk to|speak to|believe|reset|cancel my|track"
).split("|")

# The brand has not answered: a cue of waiting and of the no-response reason alike.
_NOT_RESPONDED = ["not responded", "not replied", "hasn't responded", "haven't responded", "hasn't replied",
                  "haven't replied", "didn't respond", "didn't reply"]

COMPLAINT_NEGATIONS = [
    "not", "no", "never", "can't", "won't", "didn't", "doesn't", "don't", "isn't", "wasn't",
    "aren't", "haven't", "hasn't", "nothing", "couldn't", "wouldn't", "without",
]

# Complaint cues. A text is a complaint when the weights of the groups it hits (each group
# counts once), plus what its sentiment says, reach COMPLAINT_THRESHOLD in etl/text.py.
# Strong groups name a service failure; weak ones are typical of complaints but also of
# ordinary requests; negative weights are praise, thanks, chat and promotions.
COMPLAINT_CUES = [
    ("not working", 2.0, [
        "xnotworking", "stopped working", "stops working", "stopped loading", "keeps crashing",
        "keeps freezing", "keeps dropping", "keeps disconnecting", "keeps failing",
        "keeps logging", "keeps saying", "keeps telling",
        *[f"won't {v}" for v in _FAILURE_VERBS], "won't let", "wouldn't let", "will not let",
        "would not let", "won't accept",
        "doesn't let", "didn't work", "did not work", "not loading", "not connecting",
        "not responding", "not receiving", "not getting", "not showing", "not accepting",
        "not available", "no longer", "unable to",
        *[f"can't {v}" for v in _ACCESS_VERBS], *[f"couldn't {v}" for v in _ACCESS_VERBS],
    ]),
    ("outage", 2.0, [
        "outage", "outages", "down again", "is down", "are down", "been down", "went down",
        "still down", "being down", "app down", "site down", "website down", "service down",
        "servers down", "server down", "down for", "down since", "down all", "no service", "no signal", "no internet", "no wi-fi", "no connection",
        "no power", "no coverage", "no network", "no data", "no reception", "dropped calls",
    ]),
    ("defect", 1.5, [
        "error", "errors", "glitch*", "bug", "bugs", "buggy", "crash*", "freez*", "frozen",
        "broken", "broke", "faulty", "defective", "damaged", "smashed", "cracked", "torn",
        "ruined", "leaking", "malfunction*", "doesn't work", "incorrect", "expired", "lag",
        "lagging", "laggy", "slow", "glitching", "unusable", "unstable", "drops", "dropping",
    ]),
    ("waiting", 2.0, [
        "xstillwaiting", "xonhold", "xnoresponse", "still waiting", "still no", "still not",
        "waiting for my", "waiting on my", "waiting since", "been waiting", "waited for",
        "still haven't", "still hasn't", "still can't", "still nothing", "no one", "nobody",
        "never arrived", "never received", "never got", "never came", "never showed",
        "never delivered", "never heard", "never called", "never responded", "never replied",
        "never answered", "never fixed", "never refunded", "hasn't arrived", "haven't received",
        "haven't heard", "haven't got", "haven't gotten", "hasn't been", "haven't been",
        "didn't receive", "didn't get", "didn't arrive", "didn't show", "did not receive",
        "not received", "not delivered", "not arrived", "yet to receive", "yet to hear",
        "ignored", "ignoring", "being ignored", "no way to", "no option", "no help",
        "no explanation", "no info", "no notification", "no communication", "no answer",
        "no reply", "no response", "no call", *_NOT_RESPONDED,
    ]),
    ("money", 1.5, [
        "xchargedtwice", "xripoff", "refund*", "charged", "charging", "overcharg*",
        "double charged", "double charge", "billing", "billed", "hidden fee", "hidden fees", "money back", "chargeback",
        "compensat*", "reimburs*", "scam*", "fraud*", "rip off", "stole", "stolen",
        "extra fee", "fees", "paid for", "pay for", "i paid", "we paid", "my money",
        "paying for", "charge me", "charged me", "charges",
    ]),
    ("delay or loss", 1.5, [
        "delay*", "late", "cancelled", "cancellation", "overbooked", "stranded", "stuck",
        "missed my", "missed our", "missed the", "bumped", "missing", "lost", "misplaced",
        "wrong item", "wrong order", "wrong size", "wrong address", "wrong package",
        "wrong charge", "wrong amount", "wrong bag", "wrong food", "wrong one", "xlostitem",
        "sitting on", "sat on", "taxiing", "tarmac", "diverted", "rebooked", "rebook*",
        "left behind", "left without", "not on time",
    ]),
    ("harsh words", 2.0, [
        "rude", "unhelpful", "useless", "incompetent", "unprofessional", "disrespectful",
        "lied", "lying", "liars", "terrible", "horrible", "horrendous", "awful", "worst",
        "pathetic", "ridiculous", "unacceptable", "disgusting", "disgraceful", "disgrace",
        "appalling", "atrocious", "shambolic", "shambles", "trash", "garbage", "rubbish",
        "suck", "sucks", "sucked", "crap", "crappy", "shitty", "shit", "joke", "nightmare",
        "fiasco", "mess", "clowns", "incompetence", "xthanksfornothing", "xneveragain",
        "xwaste", "xhungup", "xfedup", "hung up", "fail", "fails", "failed", "failing",
        "epic fail", "poor service", "bad service", "poor customer", "bad customer",
        "shame on", "what a joke", "absurd", "insane", "unreal", "bs",
        "insulting", "insult", "despicable", "incompetency", "dreadful", "abysmal",
        "lousy", "poorly", "sloppy", "shoddy", "inexcusable", "outrageous", "ticks me off",
        "ticked off", "cranky", "worse", "worst ever", "no excuse", "zero", "false",
        "idiot", "idiots", "moron*", "stupid", "dumb", "clueless", "no clue", "a clue",
        "let me down", "let us down", "don't care", "doesn't care", "didn't care",
        "lie", "lies", "misleading", "inaccurate", "misinformation", "dishonest",
        # taking the custom elsewhere
        "never flying", "never fly with", "never booking", "never shopping", "never using",
        "never ordering", "never buying",
    ]),
    ("feelings", 1.5, [
        "disappoint*", "frustrat*", "annoy*", "angry", "furious", "livid", "upset", "pissed",
        "mad", "outrage*", "unhappy", "dissatisfied", "not happy", "not impressed",
        "not ok", "not okay", "not acceptable", "not good", "not great", "not fair",
        "unfair", "stress*", "horrified", "shocked", "fuming", "sad", "hate", "hating", "cry", "crying", "tears", "nervous", "scared", "anxious",
        "regret*", "worried", "concerned", "confused", "sigh", "smh", "ugh", "wtf", "wth",
        "fml", "omg", "argh", "seriously", "come on", "really", "unbelievable",
        "are you kidding", "you're kidding", "kidding me", "gross", "embarrass*",
    ]),
    ("trouble", 1.0, [
        "issue", "issues", "problem", "problems", "complain*", "fix", "fixed", "resolve",
        "resolved", "sort it out", "sort this out", "escalate*", "trouble*", "poor", "bad",
        "wrong", "mistake", "mistakes", "messed", "screw*", "waste*", "hassle",
        "inconvenien*", "difficult", "impossible", "ruin*", "refuse*", "denied", "declined",
        "blocked", "locked", "suspended", "deactivated", "disconnected", "cut off",
        "horrible", "slow", "slowest", "expensive", "overpriced", "dirty", "cold food",
        "empty", "short staffed", "understaffed", "no staff", "lack of", "lacking",
        "too much", "too long", "too many", "too slow", "too expensive", "not letting", "not done", "still not done", "not fixed", "no options", "insufficient", "inadequate", "what gives",
        "nonsense", "excuse", "excuses", "blame*", "claim", "complaint", "cramped",
        "uncomfortable", "warm", "filthy", "smell*", "noisy", "leak*", "spill*",
    ]),
    # complaints count the time they lost
    ("persistence", 0.5, [
        "still", "yet", "again", "anymore", "every time", "each time", "keeps", "keep",
        "constantly", "always", "even", "finally", "already",
    ]),
    ("time lost", 1.0, [
        "# hours", "# hour", "# days", "# day", "# weeks", "# week", "# months", "# minutes",
        "# years", "hours", "days", "weeks", "months", "forever", "ages", "all day",
        "all night", "overnight", "waited", "waiting", "wait time", "queue", "in line",
        "long line", "long lines", "since", "over an hour", "over a week",
    ]),
    # recounting what went wrong: what they were told, what they tried
    ("recounting", 1.0, [
        "i was told", "we were told", "was told", "were told", "told me", "told us",
        "they said", "she said", "he said", "i tried", "i've tried", "we tried", "tried to",
        "tried calling", "tried again", "tried everything", "real person", "a human",
        "actual person", "live person", "your customers", "treat customers",
        "treat your customers", "at least", "what's the point", "the point of", "instead of",
    ]),
    # exasperated or demanding questions
    ("demand", 1.0, [
        "why", "what's going on", "what is going on", "what's happening", "what is happening",
        "what's the deal", "what's the hold up", "what's the holdup", "what the",
        "how long", "how many times", "how hard", "how difficult", "how come",
        "how is it", "where is my", "where's my", "when will i", "when will my",
        "when will you", "when can i expect", "when is my", "do something", "need answers",
        "need help", "help me", "please help", "please fix", "fix it", "fix this", "fix your",
        "sort it", "sort this", "asap", "urgent*", "immediately", "who do i", "anyone",
        "someone", "answer the phone", "answer your phone", "pick up", "call me back",
        "get back to me", "respond", "reply", "answer",
    ]),
    ("leaving", 1.5, [
        "switch to", "switching to", "switched to", "moving to", "leaving you",
        "cancel my account", "cancel my subscription", "cancel my service",
        "cancel my membership", "cancel my contract", "cancel my order", "cancel my card",
        "lost a customer", "losing a customer", "take my business", "never fly",
        "never use", "never order", "never shop", "never buy", "never again", "last time",
        "do better", "be better", "get it together", "get your act together",
        "step it up", "should have", "should be", "supposed to", "expected better", "expect better",
        "need better", "needs better", "you need to", "needs to be", "need to be", "needs to",
        "not acceptable", "not helping", "isn't helping", "not helpful", "unprepared",
    ]),
    ("negation", 0.5, COMPLAINT_NEGATIONS),
    # praise, thanks, chat, enthusiasm and promotions: not complaints
    ("thanks", -1.5, [
        "thanks", "thank you", "thank", "thankyou", "cheers", "appreciate*", "grateful",
        "kudos", "shout out", "shoutout", "props to", "xemojithanks",
    ]),
    ("praise", -1.5, [
        "love", "loved", "loving", "lovely", "awesome", "amazing", "great", "excellent",
        "fantastic", "wonderful", "brilliant", "perfect", "best", "beautiful", "delicious",
        "yummy", "favorite", "favourite", "fave", "happy", "glad", "excited", "exciting",
        "enjoy*", "fun", "cool", "nice", "congrat*", "well done", "good job", "great job",
        "yay", "woo*", "lol", "lmao", "haha*", "hehe", "xemojiheart", "xemojilove",
        "xemojismile", "xemojiparty", "xemojiclap", "xemojithumbsup", "helpful", "quick",
        "friendly", "smooth", "easy", "impressed", "proud", "safe", "welcome", "rock",
        "rocks", "superb", "outstanding", "stellar",
    ]),
    ("chat", -1.0, [
        "can't wait", "looking forward", "so ready", "win", "winner", "giveaway", "contest",
        "sweepstakes", "retweet", "follow me", "follow back", "dm me",
        "hope", "hoping", "fingers crossed",
        "no worries", "no problem", "all good", "got it", "will do", "sounds good",
    ]),
    # asking other customers, not a demand on the brand ("anyone" alone is one: "anyone there?")
    ("asking around", -1.0, ["anyone know", "anybody know", "anyone knows", "anybody knows"]),
    # asking how to switch to something (a plan, an eSIM): a how-to question, not the
    # "switch to" of a customer leaving, whose weight (and only that) this takes back
    ("asking how", -1.5, ["how do i switch to", "how can i switch to", "how to switch to", "can i switch to"]),
]

# Sarcasm. A text is read as ironic when it has an explicit marker, or when a praise
# opener is followed within a few words by a failure word ("thanks for losing my bag",
# "love how my order is late again", "great, another delay"). Then a positive VADER
# score is turned negative and the text counts as a complaint.
SARCASM_MARKERS = [
    "xsarcasm", "yeah right", "xthanksfornothing", "so much for", "just what i needed",
    "gotta love", "got to love", "not sorry", "thanks for nothing",
]
# ... but "thanks so much for" is plain thanks: "so much for" right after one of these is
# not a marker.
THANKS_BEFORE_SO_MUCH = ["thanks", "thank", "you", "thx", "ty"]
SARCASM_OPENERS = [
    "thanks for", "thank you for", "thanks to", "thanks a lot", "thanks a bunch", "love how",
    "love that", "love when", "love it when", "love the", "loving the", "great", "awesome",
    "nice", "wonderful", "fantastic", "brilliant", "perfect", "lovely", "excellent", "amazing",
    "impressive", "appreciate", "way to go", "good job", "great job", "nice job", "well done",
]
# Failure words that make an opener ironic, besides every cue of SARCASM_TARGET_GROUPS.
SARCASM_TARGETS = [
    "losing", "lose", "ruin*", "wast*", "nothing", "leaving", "ignoring",
    # "keeping" only as in keeping someone hanging or their things ("keeping me waiting" is
    # a waiting cue): "keeping everyone informed", "keeping me updated" are praise
    "keeping me hanging", "keeping us hanging", "keeping my", "keeping our",
    "charging", "strand*", "breaking", "another", "runaround", "robotic", "non",
    "not responding", "not answering", "not replying", "not helping", "no help",
]
SARCASM_TARGET_GROUPS = ("not working", "outage", "defect", "waiting", "money", "delay or loss", "time lost")
SARCASM_WINDOW = 5
# Thanks for putting a failure right are sincere ("thanks for the refund", "well done for
# finding my lost bag"): one of these between the opener and the failure word, or the
# failure word itself one of these, and the praise is read as it is.
SARCASM_RESOLUTIONS = [
    "refund*", "compensat*", "reimburs*", "money back", "rebook*", "find*", "found", "getting",
    "got", "return*", "sort*", "fix*", "resolv*", "recover*", "tracked down", "tracking down", "replac*",
    "help*",
]
# A loss reported as put right: a resolution word (above) at most RETURNED_BEFORE words
# before the loss cue and "back" at most RETURNED_AFTER words after it ("thanks for getting
# my lost bag back", "found my lost parcel and sent it back"). "I want my lost bag back" has
# no resolution word and stays a complaint.
RETURNED_BEFORE = 4
RETURNED_AFTER = 3
# A short closing sentence of praise after a reported failure ("... won't give luggage
# back. Nice.") is ironic; thanks are left out, they close sincere reports too.
SARCASM_CLOSERS = [
    "nice", "cool", "great", "awesome", "perfect", "brilliant", "wonderful", "fantastic",
    "lovely", "classy", "good luck with that", "good luck", "good job", "way to go", "well done",
    "real nice", "smooth", "bravo", "congrats", "impressive", "amazing", "fun", "so fun", "yay",
    "just great", "great job", "great work", "nice job", "nice work", "awesome job",
]   # words after the opener in which a target makes it ironic

# Hashtags written in one case ("#unhappycustomer") are split around these words, longest
# first, so that "unhappy" is not read as "happy".
HASHTAG_WORDS = [
    "unhappy", "unacceptable", "disappointed", "disappointing", "ridiculous", "neveragain",
    "never", "again", "fail", "fails", "sucks", "worst", "delayed", "delay", "cancelled",
    "canceled", "ripoff", "fraud", "bad", "badservice", "service", "customer", "help",
    "thanks", "thank", "love", "great", "best", "happy", "angry", "sad", "stuck", "stranded",
    "lost", "broken", "fix", "wait", "waiting", "frustrated", "pathetic", "awesome", "amazing",
]

# A failure asked about rather than reported ("is flight 12 delayed?", "if my order is
# late, can I cancel?") counts less: these words within HYPOTHETICAL_WINDOW words before
# the first failure cue take HYPOTHETICAL_DISCOUNT off the evidence of a question.
HYPOTHETICAL = [
    "if", "in case", "will", "expecting", "expect", "chance", "chances", "possibility",
    "likely", "might", "is it", "are we", "is my", "is the", "is flight", "is there", "do you",
    "does", "are there", "whether",
]
HYPOTHETICAL_WINDOW = 4
HYPOTHETICAL_DISCOUNT = 1.5

# Questions without a question mark: an interrogative opening a sentence, or a request form.
QUESTION_WORDS = ["what", "when", "where", "why", "how", "who", "which", "whose", "any", "anyone", "anybody",
                  "whats", "wheres", "hows"]
# An auxiliary opens a question only when a subject follows it ("have you", "is my order",
# "can someone"). A sentence whose subject was dropped goes on with its predicate instead:
# "have to say", "was great", "will never", "do not": these words, or any word with a
# sentiment of its own, after the auxiliary make it a statement.
QUESTION_AUXILIARIES = [
    "is", "are", "am", "was", "were", "can", "could", "do", "does", "did", "will", "would",
    "should", "shall", "may", "has", "have",
]
NOT_A_SUBJECT = ["to", "not", "never", "be", "been", "so", "just", "really", "very", "always", "still", "also"]
# A page comment names the brand rather than a handle: "Acme can I pay by card". One word
# may stand before an auxiliary that a personal pronoun follows, unless the word inverts a
# statement ("nor can I", "nowhere can I find").
QUESTION_PRONOUNS = ["i", "you", "u", "we"]
# A text that opens with a handle right before an auxiliary is about the handle's owner
# ("@Acme has the best crew", "@Acme is the worst") unless one of these follows it
# ("@Acme is there a lounge", "@Acme can you help").
ADDRESSED_SUBJECTS = [*QUESTION_PRONOUNS, "it", "there", "this", "that", "they", "anyone", "anybody",
                      "someone", "somebody", "everyone"]
# ... and after a modal or "do", a possessive too: "@Acme can your team call me", "@Acme do
# these seats recline" ask; "@Acme is my favourite airline" does not.
ADDRESSED_AFTER_MODAL = ["my", "your", "our", "their", "these", "those"]
MODALS_AND_DO = ["can", "could", "will", "would", "should", "shall", "may", "do", "does", "did"]
# After a modal or "do", these words are the predicate of a sentence whose subject was
# dropped, not a subject: "Would have been nice", "Should have booked elsewhere", "Will do",
# "Can confirm", "Will definitely fly again". (Nouns that are also verbs, as "call" or
# "check", are left out: "Can check-in open early" asks.)
PREDICATES_AFTER_MODAL = [
    "have", "do", "go", "get", "confirm", "relate", "recommend", "attest", "vouch", "agree",
    "say", "tell", "see", "wait", "imagine", "understand", "hear", "promise", "assure",
    "guarantee", "try", "think", "guess", "bet", "need", "keep", "let", "make", "take", "miss",
    "fly", "definitely", "totally", "highly", "honestly", "absolutely", "literally", "certainly",
    "probably", "def", "already", "even", "barely", "hardly", "easily",
]
INVERTING_WORDS = ["nor", "neither", "nowhere", "never", "rarely", "seldom", "only", "not", "so"]
QUESTION_CUES = [
    "i was wondering", "i'm wondering", "wondering if", "wondering whether", "wondering why",
    "wondering when", "wondering how", "wondering what", "can you help", "can you tell",
    "can you check", "can you explain", "can you confirm", "can you advise", "can you look",
    "can you let", "can you please", "can you assist", "can someone", "can anyone",
    "could you", "would you", "could someone", "please advise", "please help",
    "please assist", "please respond", "please reply", "please confirm", "please explain",
    "please let me know", "please let us know", "please tell me", "please check",
    "let me know", "any update", "any updates", "any news", "any idea", "any info",
    "any information", "any word", "any eta", "any way", "any chance", "any help",
    "any reason", "any response", "need help", "need assistance", "need an answer",
    "need a response", "need to know", "i want to know", "how do i", "how can i",
    "how do we", "how can we", "is it possible", "is there a", "is there any",
    "what should i", "what can i", "what do i", "help me", "need some help",
    # a request anywhere in a sentence ("hi Acme, I need a receipt, where do I get one")
    "where do i", "where can i", "where should i", "who do i", "who can i", "who should i",
    "when can i", "when will i", "when will my", "where is my", "like to know", "curious why",
    "curious if", "curious whether", "curious how", "curious what", "curious as to",
]

# Brand replies that only redirect. A reply is a deflection when every sentence in it is a
# redirect or a pleasantry (apology, thanks, greeting, signature): it answered nothing.
REDIRECT_CUES = [
    "dm", "dms", "pm", "direct message", "private message", "message us", "send us",
    "send me", "reach out", "reach us", "contact", "contacting", "call us", "call our",
    "call the", "give us a call", "ring us", "write to", "chat with",
    # "email" as a verb only: "a confirmation email is on its way" sends nobody anywhere
    "email us", "email me", "email our", "email the", "email them", "email your", "please email",
    "kindly email", "e-mail us", "e-mail our", "e-mail the", "please e-mail", "drop us an email",
    "drop us a line",
    "speak to", "speak with", "talk to", "talk with", "get in touch", "connect with",
    "visit", "head to", "head over", "check out", "check here", "see here", "see this",
    "follow us", "follow and", "click", "fill in", "fill out", "submit", "form", "link",
    "website", "web site", "help center", "help centre", "support site", "support page",
    "faq", "faqs", "live chat", "helpline", "hotline", "xurl", "xemail", "xphone",
]
# A reply that reports something done for the customer answered them, whatever else it says
# ("Done! I've made that change for you; a confirmation email is on its way."). Completed
# actions only: "DM us and we'll get this fixed" promises, and "we've sent you a DM" redirects.
# Said by the brand ("we've rebooked"), or in the passive with a verb that only a fix takes
# ("your refund has been processed"); not "was cancelled" or "has been updated", which
# report what happened to the customer, and then ask them to DM.
_DONE_BY_US = ["i've", "we've", "i have", "we have", "i just", "we just"]
_DONE_BY_US_VERBS = ["made", "processed", "refunded", "rebooked", "booked", "issued", "credited",
                     "reset", "fixed", "resolved", "changed", "added", "applied", "cancelled",
                     "reversed", "upgraded", "replaced", "removed", "reinstated", "restored",
                     "reactivated", "unlocked", "waived", "corrected", "set", "arranged", "found",
                     "located", "shipped", "dispatched", "reimbursed", "compensated", "approved",
                     "renewed", "extended"]
_DONE_PASSIVE = ["has been", "have been", "is now", "are now"]
_DONE_PASSIVE_VERBS = ["processed", "refunded", "rebooked", "issued", "credited", "reversed",
                       "reinstated", "restored", "reactivated", "unlocked", "waived", "reimbursed",
                       "compensated", "dispatched", "shipped", "resolved", "fixed", "corrected",
                       "found", "located", "approved", "renewed"]
RESOLUTION_CUES = [
    *(f"{by} {done}" for by in _DONE_BY_US for done in _DONE_BY_US_VERBS),
    *(f"{by} {done}" for by in _DONE_PASSIVE for done in _DONE_PASSIVE_VERBS),
    "all done", "all sorted", "now sorted",
]
# A sentence is a pleasantry when all but a name or two of its words are of this kind.
PLEASANTRY_WORDS = [
    "hi", "hello", "hey", "hiya", "good", "morning", "afternoon", "evening", "day", "dear",
    "oh", "no", "ah", "aw*", "uh", "yikes", "hmm*", "thanks", "thank", "you", "so", "much",
    "very", "really", "truly", "deeply", "sincere*", "sorry", "apolog*", "please", "accept",
    "our", "we", "we're", "we'd", "we've", "we'll", "i", "i'm", "i'd", "i've", "i'll",
    "us", "me", "to", "that", "that's", "this", "the", "a", "an", "for", "are", "is", "be",
    "about", "with", "of", "it", "it's", "can", "could", "would", "will", "like", "love",
    "help", "assist*", "hear", "hearing", "see", "seeing", "read", "reading", "understand",
    "imagine", "frustrat*", "concern*", "troubl*", "disappoint*", "inconvenien*", "not",
    "ideal", "okay", "ok", "what", "want", "wanted", "glad", "happy", "more", "than",
    "look", "looking", "into", "take", "closer", "here", "there", "for", "your", "you're",
    "any", "all", "caused", "experience", "experienced", "feedback", "appreciate*",
    "patience", "understanding", "reaching", "out", "letting", "know", "sort*", "get",
    "this", "fixed", "right", "away", "team", "further", "assistance", "details", "more",
    "information", "info", "issue", "problem", "trouble", "situation", "matter", "just",
    "as", "well", "too", "again", "hope", "hoping", "great", "nice", "awesome", "and",
    "or", "in", "on", "at", "by", "from", "have", "has", "had", "been", "do", "does",
    "did", "definitely", "certainly", "absolutely", "best", "make", "sure", "check",
    "checking", "which", "who", "some", "an", "there's", "it", "way", "forward",
]
PLEASANTRY_STRANGERS = 2     # words outside PLEASANTRY_WORDS a pleasantry may hold (names)
PLEASANTRY_MAX_WORDS = 25

# complaint_reason: the first reason with a cue in the text, else "other". An entry of two
# lists needs a word from each ("lost" and "bag"). A reason may be listed twice: its plain
# cues early, its vaguer ones late (rudeness outranks a delay it came with, "useless" not).
_ITEMS = [
    "bag", "bags", "baggage", "luggage", "suitcase", "package", "parcel", "item", "items",
    "order", "delivery", "box", "stroller", "car seat", "phone", "screen", "product",
]
_LUGGAGE = ["bag", "bags", "baggage", "luggage", "suitcase", "suitcases", "belongings", "car seat",
            "stroller", "guitar"]
REASON_CUES = [
    ("cancellation", [["cancelled", "cancellation", "cancellations"]]),
    ("lost or damaged item", [
        ["xlostitem", "never arrived", "never received", "never delivered", "never came",
         "lost luggage", "lost bag", "lost package", "damaged", "smashed"],
        [["lost", "missing", "misplaced", "stolen", "damaged", "broken", "smashed",
          "cracked", "torn", "ruined"], _ITEMS],
        # luggage not where it should be ("where is my bag", "my bags are still in Houston")
        [["lose", "loses", "losing", "can't find", "where is", "where's", "where are", "still no",
          "still don't have", "still not have", "no trace", "still in", "still at", "sent my",
          "left in", "waited", "waiting for", "find my"], _LUGGAGE],
        # luggage that did not arrive with its owner ("my bag didn't make it to Boston", "bags
        # left behind in Denver"): the arrival of a flight is a delay cue, so this must come
        # before it; vaguer signs ("tracking", "sent to", "haven't got") come late, after
        # billing and delay, which a bag fee or a late flight with bags would be
        [["didn't make it", "did not make it", "never made it", "hasn't made it", "haven't made it",
          "didn't made it", "didn't arrive", "did not arrive", "hasn't arrived", "haven't arrived",
          "didn't turn up", "never turned up", "hasn't turned up", "haven't turned up",
          "not on the carousel", "never came out", "didn't come out", "left behind",
          "on a different flight", "on another flight", "on the wrong flight", "not loaded",
          "wasn't loaded", "weren't loaded", "offloaded", "no sign of", "delayed bag", "delayed bags",
          "delayed luggage", "delayed baggage", "bag delayed", "bags delayed", "luggage delayed",
          "bag was delayed", "bags were delayed", "luggage was delayed", "mishandled",
          "without luggage", "without baggage", "without bags", "without my bag",
          "without my bags", "without my luggage", "without my suitcase", "without our bags",
          "without our luggage", "still sitting in"], _LUGGAGE],
        # a delivery left where it came to harm ("the driver left my parcel in the rain")
        [["left my", "left our", "left the", "left it", "threw my", "thrown", "wrong address",
          "wrong house", "in the rain", "soaked", "wet"], ["parcel", "parcels", "package", "packages",
                                                           "delivery", "box"]],
    ]),
    # staff who were rude to the customer: what they complain of, though their flight was late
    # or nobody helped ("the gate staff were so rude to my mum. Now I'm stuck at the airport")
    ("rude or unhelpful staff", [[
        "rude", "rudely", "rudest", "rudeness", "disrespectful", "disrespected", "condescending",
        "yelled", "shouted at", "screamed at", "snapped at", "laughed at", "belittled",
    ]]),
    ("billing or refund", [[
        "xchargedtwice", "xripoff", "refund*", "charg*", "bill", "bills", "billing", "billed",
        "fee", "fees", "payment", "paid", "pay", "money", "price", "pricing", "overcharg*",
        "invoice", "credit card", "debit", "compensat*", "reimburs*", "voucher", "scam*",
        "fraud*", "dollars", "cost",
    ]]),
    ("outage or bug", [[
        "xnotworking", "outage", "down", "error", "errors", "glitch*", "bug", "bugs",
        "buggy", "crash*", "freez*", "frozen", "website", "site", "app", "online", "log-in",
        "log in", "sign-in", "sign in", "password", "update", "wi-fi", "internet", "signal",
        "network", "no service", "server", "loading", "system", "account",
        "mobile data",
        # "still not working": the phrase pass reads "still not" as waiting, "working" is left
        "xstillwaiting working", "xstillwaiting loading", "xstillwaiting connecting",
        # a connection is the line's only when it fails ("missed my connection" is a flight's)
        "no connection", "data connection", "internet connection", "broadband connection",
        "network connection", "wi-fi connection", "connection keeps",
        "connection drops", "connection dropping", "connection is down", "connection down",
        "connection is slow", "connection issues", "connection problems", "connection problem",
        "lost connection", "losing connection", "connection lost", "slow connection",
        "poor connection", "bad connection", "weak connection", "unstable connection",
        "intermittent connection", "terrible connection", "awful connection", "horrible connection",
        "patchy connection", "spotty connection", "dodgy connection", "rubbish connection",
        "connection cuts out", "connection cutting out", "keeps disconnecting", "buffering",
    ],
        # a router or wifi is an outage only when it fails ("waiting for the router you
        # promised" is a delay, "never came to install my router" no outage)
        [["router", "routers", "wifi", "modem"],
         ["down", "drop*", "reboot*", "restart*", "disconnect*", "keeps", "not working",
          "xnotworking", "stopped", "dead", "offline", "no connection", "slow"]],
    ]),
    ("delay", [[
        "delay*", "late", "tarmac", "taking forever", "hasn't arrived", "not arrived",
        "still not here", "on time", "missed my", "missed our", "missed the", "sitting on",
        # a missed flight connection ("missed my connection" hits "missed my" already)
        "miss my connection", "miss our connection", "miss the connection", "miss connection",
        "missing my connection", "missing our connection", "missed connection",
        "missed connections", "misconnect*", "make my connection", "make our connection",
        "sat on", "waiting for my", "waiting for our", "waiting for the", "stuck", "stranded",
        "sitting at", "sat at", "held up", "supposed to leave", "supposed to depart",
        "supposed to arrive", "no pilot", "was due", "were due", "due yesterday", "due today",
        "overdue",
    ]]),
    ("no response", [[
        "xnoresponse", "xonhold", "xhungup", "no one", "nobody", "never heard",
        "never called", "never got back", "never responded", "never replied", *_NOT_RESPONDED,
        "never answered", "haven't heard", "can't get through", "couldn't get through",
        "ignor*", "no reply", "no answer", "no response", "hold", "answer the phone",
        "answer your phone", "call back", "callback",
    ]]),
    # ... and late, the vaguer signs of luggage gone astray ("my bag was sent to Denver")
    ("lost or damaged item", [
        [["not make it", "didn't come", "hasn't come", "haven't come", "didn't show", "never showed",
          "left at", "ended up in", "ended up on", "sent to", "waiting on",
          "never got my", "tracking", "trace", "left my", "leaving my", "left our", "leaving our",
          "without my", "without our", "not here", "isn't here", "aren't here", "not delivered",
          "not been delivered", "haven't received", "hasn't been delivered", "haven't got",
          "haven't gotten"], _LUGGAGE],
    ]),
    # a line's connection, said of no failure word above ("my connection speed is terrible"):
    # after delay, so a flight's missed connection is a delay
    ("outage or bug", [["connection", "connections"]]),
    # ... and late, the vaguer words: "useless" or "staff" come with every kind of trouble
    ("rude or unhelpful staff", [[
        "unhelpful", "useless", "incompetent", "unprofessional", "hostile", "abusive", "aggressive",
        "attitude", "xhungup", "lied", "staff", "agent",
        "agents", "employee", "employees", "rep", "reps", "representative",
        "representatives", "manager", "crew", "attendant", "attendants", "cashier", "driver",
        "technician", "xcustomerservice", "service",
    ]]),
]

# Stop words of languages other than English: a text that uses more of them than English
# ones is scored neutral rather than misread (VADER only knows English).
FOREIGN_STOPWORDS = frozenset(
    "el los las del por para con una que es muy pero más como está esta este mi tu su hola gracias "
    "le les des est une pour avec mais très pas je vous nous bonjour merci dans sur "
    "der die das und ist nicht ich sie wir mit für auf bitte danke ein eine "
    "il della che non sono per molto grazie ciao "
    "os um uma não obrigado obrigada você muito com".split()
)
ENGLISH_STOPWORDS = frozenset(
    "the a an and is are was were to of in on for with my your you i me we our it this that "
    "not no can do does did have has be been at from by so but just what why how when".split()
)
