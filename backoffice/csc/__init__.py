"""Common Service Centres: centres and their operators, sessions on behalf of a citizen, the Rs 50 charge and the daily register."""
