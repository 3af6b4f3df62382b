"""Real Indian names and Delhi addresses, in Latin and Devanagari script, that read like other intents.

Each is a valid answer to a name or address question, paired with the intent it resembles (the trained
model of 2026-12-06 classified most of them so, at 0.84-1.00 confidence; the comment says why).
"""

NAMES = [
    ("Ram Prakash Sharma", "greet"),  # the reported case: read as a greeting ("Ram Ram")
    ("Ram Ram Singh", "greet"),  # greet
    ("Jai Prakash Narayan", "greet"),  # greet ("jai hind")
    ("Namita Sharma", "greet"),  # greet ("namaste")
    ("Seva Ram", "greet"),  # the bot's own name
    ("Madad Ali", "help"),  # help ("madad")
    ("Sahayak Ram", "help"),  # help ("sahayata")
    ("Shubh Laxmi", "greet"),  # greet ("shubh prabhat")
    ("Haan Singh", "affirm"),  # affirm ("haan")
    ("Nahar Singh", "deny"),  # deny ("nahi")
    ("Mangal Pandey", "greet"),  # greet ("mangal ho")
    ("Shukriya Begum", "thank"),  # thanks
    ("Dhanpat Rai", "thank"),  # thanks ("dhanyawad")
    ("Alvida Khan", "goodbye"),  # goodbye
    ("Janak Raj", "apply_service"),  # birth certificate ("janam")
    ("Aay Singh Rawat", "apply_service"),  # income certificate ("aay")
    ("Vivah Lal", "apply_service"),  # marriage registration ("vivah")
    ("Raashan Lal", "apply_service"),  # ration card
    ("Pension Singh", "apply_service"),  # pension
    ("Status Kumar", "check_status"),  # check status
    ("Paisa Ram", "pay_fee"),  # payment
    ("Menka Gandhi", "main_menu"),  # main menu ("menu")
    ("Human Singh", "talk_to_human"),  # talk to a person
    ("Prem Prakash Aggarwal", "thank"),  # thanks / greet
    ("Hari Om Sharma", "greet"),  # greet ("hari om")
    ("राम प्रकाश शर्मा", "greet"),  # greet, Devanagari
    ("राम राम सिंह", "greet"),  # greet
    ("जय प्रकाश नारायण", "greet"),  # greet
    ("मदद अली", "help"),  # help
    ("शुभ लक्ष्मी", "greet"),  # greet
    ("हाँ सिंह", "affirm"),  # affirm
    ("धन्नो देवी", "thank"),  # thanks
    ("जनक राज", "apply_service"),  # birth certificate
    ("सेवा राम", "greet"),  # the bot's name
    ("मंगल पांडे", "greet"),  # greet
]

ADDRESSES = [
    ("House 12, Income Tax Colony, Pitampura, Delhi", "apply_service"),  # income certificate
    ("Flat 4, Ration Office Lane, Shahdara, Delhi", "apply_service"),  # ration card
    ("C-45, Janakpuri, New Delhi", "apply_service"),  # birth certificate ("janam")
    ("Near Bus Stop, Vivek Vihar Phase 2, Delhi", "opt_out"),  # opt out ("stop"), marriage ("vivah")
    ("Pension Para, Kalkaji, New Delhi", "apply_service"),  # pension
    ("Shanti Nagar, Gali No 3, Trilokpuri, Delhi", "greet"),  # greet ("shanti")
    ("Help Age India Road, Chittaranjan Park, Delhi", "help"),  # help
    ("Block B, Status Apartments, Rohini Sector 9, Delhi", "check_status"),  # check status
    ("Transport Nagar, Behind Menu Dhaba, Narela, Delhi", "main_menu"),  # menu
    ("Ram Nagar Extension, Mandawali, Delhi", "greet"),  # greet
    ("मकान 12, आयकर कॉलोनी, पीतमपुरा, दिल्ली", "apply_service"),  # income certificate, Devanagari
    ("राशन दफ्तर के पास, शाहदरा, दिल्ली", "apply_service"),  # ration card
    ("जनकपुरी सी ब्लॉक, नई दिल्ली", "apply_service"),  # birth certificate
    ("बस स्टॉप के सामने, विवेक विहार, दिल्ली", "opt_out"),  # opt out, marriage
    ("शांति नगर गली 3, त्रिलोकपुरी, दिल्ली", "greet"),  # greet
]

ANSWERS = [text for text, _ in NAMES + ADDRESSES]
assert len(ANSWERS) == 50
