/**
 * Common English words that are also names or places in some locale ("Will", "May", "Long", "Hope", "Norway" is
 * not one of them). A name recogniser that ignored this list would mark half of every sentence.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves also new one two three four five six seven eight nine ten first last
next may june july august april march mark bill will rose grant hope joy faith chase wade dean page long young white
black brown green gray grey king price cash bank post street road avenue lane drive court place park city state north
south east west day week month year time date name number card account email phone address please thanks thank hello
hi dear sir madam mr mrs ms dr prof yes ok okay sure need want like get got make made take see look find give tell
call send help work home office team group company service support customer client user admin manager director
president doctor nurse teacher student love happy good great best well much many still even back way man woman boy
girl son daughter mother father family friend people person world life water fire light art music sun moon star sky
sea river lake hill mountain valley forest field garden wood stone rock gold silver iron steel glass paper book letter
story news report note list data file code test case system application program project plan order item product
price total sale buy sell pay payment money dollar euro pound cost free full open close start end top bottom left right
center middle high low big small little old early late soon today tomorrow yesterday monday tuesday wednesday thursday
friday saturday sunday january february september october november december spring summer autumn winter christmas
easter holiday travel trip flight hotel room table chair door window car bus train plane ship boat bike house home
apartment building floor level unit suite box po via per des del der die das la le les el los las di da de do dos du
van von st ste san santa ave blvd rd ln dr ct pl sq hwy pkwy apt united kingdom republic during mission statement atm
town mobile fine idea lucky loyalty appears incorrectly baby princess royal prince queen lord lady treaty union article
section chapter song songs album band tour show film movie series season episode company companies economy industry market
brand label model version update address addresses location country county region province district village
limit charges charge cash withdraw balance statement loan credit debit transfer deposit fee fees rate tax bill invoice`.split(/\s+/),
);
