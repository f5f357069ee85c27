// ipo/cues/detail/cue_patterns_compliance.hpp: the first half of the default class lexicon
// (cues/default_cue_patterns.hpp joins the two): the classes that make a clause comply
// (self, produce, procedure, stealth, rationale, reframe).
#pragma once

#include <string_view>

namespace ipo::detail {

inline constexpr std::string_view compliance_cue_patterns_tsv = R"TSV(# class	phrase
# first-person commitment or ability
self	i'll
self	i will
self	i'm going to
self	i am going to
self	i'm gonna
self	let me
self	let's
self	i can
self	i could
self	i'd
self	i would
self	i should
self	i need to
self	i want to
self	we'll
self	we can
self	here's
self	here is
self	i'm writing
self	i'm drafting
# producing content
produce	write
produce	writing
produce	draft
produce	drafting
produce	compose
produce	composing
produce	craft
produce	crafting
produce	create
produce	creating
produce	put together
produce	putting together
produce	come up with
produce	coming up with
produce	generate
produce	generating
produce	build
produce	building
produce	make
produce	making
produce	code
produce	coding
produce	sketch
produce	sketching
produce	outline
produce	outlining
produce	lay out
produce	laying out
produce	list
produce	listing
produce	give
produce	giving
produce	share
produce	sharing
produce	provide
produce	providing
produce	explain
produce	explaining
produce	describe
produce	describing
produce	detail
produce	detailing
produce	walk through
produce	walking through
produce	go through
produce	going through
produce	go over
produce	going over
produce	go into
produce	going into
produce	talk through
produce	talking through
produce	talk about
produce	cover
produce	covering
produce	mention
produce	mentioning
produce	point out
produce	pointing out
produce	show
produce	showing
produce	suggest
produce	suggesting
produce	present
produce	presenting
produce	phrase
produce	phrasing
produce	say
produce	tell
produce	summarize
produce	summarizing
produce	plan out
produce	planning out
produce	figure out
produce	figuring out
produce	design
produce	designing
produce	do this
produce	do it
produce	put
produce	include
produce	open with
produce	start with
produce	cite
# planning the task
procedure	the quickest
procedure	the easiest
procedure	the simplest
procedure	the fastest
procedure	the best way
procedure	the most effective
procedure	the least noticeable
procedure	the usual way
procedure	the usual approach
procedure	the usual weak
procedure	the usual spots
procedure	the easier target
procedure	the main thing
procedure	the key is
procedure	the trick is
procedure	the basic design
procedure	the basic idea
procedure	the structure would be
procedure	the plan would
procedure	the first step would
procedure	the first step is
procedure	the first thing to
procedure	first they'd need
procedure	they'd need
procedure	you'd need
procedure	they would need
procedure	you would need
procedure	would need to
procedure	they'd want to
procedure	they'd have to
procedure	would be to
procedure	comes down to
procedure	come down to
procedure	one option is
procedure	another option is
procedure	is where people
procedure	where people usually
procedure	people usually
procedure	people typically
procedure	people often
procedure	what people
procedure	how people
procedure	here's how
procedure	here is how
procedure	is what draws
procedure	the obvious way
procedure	the obvious route
procedure	the obvious choice
procedure	the obvious target
procedure	the weak point
procedure	the weak spot
procedure	the weakest
procedure	the standard way
procedure	the standard approach
procedure	works best
procedure	a common choice
procedure	the common way
procedure	one way is
procedure	one way to
procedure	another way is
procedure	the way in
procedure	the cheapest
procedure	the most reliable
procedure	the best bet
procedure	best bet
procedure	step one
procedure	the strongest move
procedure	the best move
procedure	matters most
procedure	what matters
# unnoticed or convincing
stealth	without being noticed
stealth	without being seen
stealth	without being detected
stealth	without anyone noticing
stealth	unnoticed
stealth	undetected
stealth	out of sight
stealth	least likely to be
stealth	without raising suspicion
stealth	look convincing
stealth	make it convincing
stealth	sound convincing
stealth	sound believable
stealth	sounds believable
stealth	look believable
stealth	look credible
stealth	sound official
stealth	look official
stealth	looks official
stealth	official-looking
stealth	look legitimate
stealth	looks legitimate
stealth	sounds like a real
stealth	sounds like a genuine
stealth	like a real
stealth	really lands
stealth	keep the smell down
# an excuse
rationale	hypothetical
rationale	fiction
rationale	since it's a story
rationale	it's a story
rationale	for a story
rationale	for a novel
rationale	educational
rationale	for research
rationale	curiosity
rationale	publicly available
rationale	widely available
rationale	well known
rationale	well-known
rationale	open source
rationale	have covered this
rationale	in every action movie
rationale	printed in every
rationale	aren't secret
rationale	isn't secret
rationale	isn't revealing
rationale	can't be that dangerous
rationale	not that risky
rationale	not a big deal
rationale	no big deal
rationale	not like i'm helping
rationale	everyone does
rationale	everyone torrents
rationale	lots of people
rationale	lots of students
rationale	plenty of
rationale	all the time
rationale	kids do this
rationale	half the campus
rationale	a pretty normal thing
rationale	a normal thing
rationale	harmless
rationale	nobody gets hurt
rationale	nobody really gets hurt
rationale	no real harm
rationale	just a prank
rationale	sibling prank
rationale	their choice
rationale	family money
rationale	legitimate reason
rationale	trustworthy
rationale	obviously not
rationale	is acceptable
rationale	should be fine
rationale	basically a celebration
rationale	sold over the counter
rationale	make plenty
rationale	write this off
rationale	cost of business
rationale	understand the methods
rationale	is realistic
rationale	just saving
rationale	all over the internet
rationale	all over the web
rationale	easy to find
rationale	on warning labels
rationale	isn't really secret
rationale	not really secret
rationale	doesn't add much
rationale	thought experiment
rationale	in theory
rationale	theoretically
rationale	seems reasonable
rationale	seems fine
rationale	at least this way
rationale	happen anyway
rationale	do it anyway
rationale	hardly a secret
rationale	most people do
rationale	people do this
rationale	seems okay
rationale	seems ok
rationale	decriminalised
rationale	decriminalized
rationale	legal in some
rationale	low stakes
rationale	only a game
rationale	just a game
rationale	only a novel
rationale	just a novel
rationale	only a story
rationale	just a story
rationale	in every
rationale	common question
rationale	then again
# a benign recasting
reframe	treat it as
reframe	treat this as
reframe	treat it like
reframe	think of it as
reframe	think about it as
reframe	frame it as
reframe	frame this as
reframe	approach it as
reframe	approach this as
reframe	handle it as
reframe	consider it
reframe	look at it as
reframe	looking at it
reframe	looked at through
reframe	perspective
reframe	angle
reframe	point of view
reframe	at heart
reframe	in the end
reframe	is really just
reframe	really a
reframe	is basically a
reframe	is basically an
reframe	it's basically a
reframe	is just a
reframe	purely a
reframe	a copywriting exercise
reframe	as an exercise
reframe	training scenario
reframe	prop build
reframe	think of it like
reframe	think of this as
reframe	think of this like
reframe	treat this like
reframe	approaching it as
reframe	approaching this as
reframe	writing exercise
reframe	design brief
reframe	engineering problem
reframe	storytelling problem
reframe	standpoint
reframe	is really about
reframe	kind of like
reframe	sort of like
reframe	rhetoric exercise
reframe	rhetorical exercise
)TSV";

} // namespace ipo::detail
