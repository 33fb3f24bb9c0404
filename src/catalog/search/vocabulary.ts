import { stem } from './text.js';

/**
 * The words the ranking knows by kind: how USDA names foods (category words first,
 * the plain form's descriptors, preparation states) and how people ask for them
 * (amounts, containers, sizes). General vocabulary only: no word here names the
 * answer to a particular query.
 */

const stems = (list: string): Set<string> => new Set(list.split(/\s+/).filter(Boolean).map(stem));
const plainSet = (list: string): Set<string> => new Set(list.split(/\s+/).filter(Boolean));

/** Words USDA puts first to file a food under a category: the food itself is named next. */
export const CATEGORY_WORDS = stems(
  'beverages beverage alcoholic crustaceans mollusks fish cereals nuts seeds spices candies snacks sweeteners ' +
    'sweetener game ready eat rte fast foods food infant formula babyfood toddler restaurant',
);

/**
 * Animals and plant stand-ins. First in a name they are its category ("Pork, cured,
 * bacon"); anywhere else they say the food is made of another animal than the plain
 * one ("Bacon, turkey", "Turkey bacon").
 */
export const SPECIES_WORDS = stems(
  'turkey chicken beef pork lamb veal soy tofu duck goose bison venison goat mutton emu ostrich buffalo rabbit quail pheasant ham',
);

/** Words that make a food something else than what was named ("Bacon, meatless"). */
export const NEGATING_WORDS = stems('meatless imitation substitute mock replacer replacement analog simulated vegetarian vegan');

/**
 * Descriptors of the plain, standard form: a food that has them and was not asked for
 * them is still what was meant ("Chicken, broilers or fryers, meat only").
 */
export const PLAIN_WORDS = stems(
  'raw fresh whole plain regular fluid all varieties variety commercial mature seed ripe unenriched enriched meat only ' +
    'edible portion solid solids liquid kernel kernels groats includes natural vitamin milkfat lean trimmed separable granulated year round ' +
    'average type types species mixed generic composite drinking unsweetened unfortified cultured commercially broilers broiler fryers fryer grades ' +
    'grade choice select boneless bone domestic retail cuts cut purpose grain long medium short original classic traditional ' +
    'style standard home homemade skinless peel peeled flesh pack cured salted unsalted drained salt tap municipal unspecified content ' +
    // "total can contents", "total edible": the whole as bought, like "solids and liquids".
    'total can',
);

/** How a food was cooked, when it is the usual way (roasting a chicken, boiling rice). */
export const BASIC_METHODS = stems('cooked roasted roast broiled grilled baked boiled steamed heated toasted prepared heat simmered brewed');

/** Ways of cooking that change a food more than the usual one (frying adds fat, breading adds flour). */
export const OTHER_METHODS = stems(
  'fried batter flour breaded braised stewed pan microwaved rotisserie scrambled poached sauteed stir deep barbecued bbq crumbles browned',
);

/**
 * Kinds people mean only when they say so: light and fat-free versions, frozen and
 * canned forms, flavours and fortifications, packaged and restaurant versions.
 */
export const VARIETY_WORDS = stems(
  'light lite reduced low free nonfat sodium sweetened flavored flavor frozen canned concentrate instant microwave ' +
    'fortified solution enhanced kosher school lunch restaurant deli prepackaged packaged seasoned marinated smoked brine ' +
    'pickled candied syrup heavy extra calorie calories sugar sugarless lowfat decaffeinated decaf mini baby dried non chocolate ' +
    'mocha caramel fudge butterscotch patty patties brown podded cooking high fully ' +
    // Infant formulas made for babies born early ("ENFAMIL, Premature"): the everyday formula unless said.
    'premature preterm',
);

/**
 * A diet version is made for a diet, sweetened without sugar: another product than the regular
 * one a person means when they do not say so, further from it than sweetened or flavoured.
 */
export const DIET_WORDS = stems('diet dietetic');

/**
 * Words that turn a food into another product made from it ("Bananas, dehydrated, or
 * banana powder"; "Peanut butter"): not what a person naming the food means.
 */
export const IDENTITY_WORDS = stems(
  'babyfood infant toddler junior strained human dehydrated powder powdered formula condensed evaporated glaze juice oil sauce nectar ' +
    'spread chips chip bread breaded buttermilk roll loaf nugget nuggets tenders sandwich luncheon processed entree shortening ' +
    'dinner meal cake cookies cookie pie muffin soup salad dressing industrial byproduct byproducts mechanically separated omelet omelette ' +
    'skin giblets liver heart gizzard feet neck back tail tongue kidney kidneys brain tripe marrow blood fatback lard stock broth ' +
    'extract paste puree flakes flake crackers cracker drink mix topping filling frosting shake bran germ starch isolate glutinous ' +
    'alaska native indian hopi navajo apache shoshone',
);

/** States of a food that must still be cooked or made up before it is eaten. */
export const UNPREPARED_WORDS = stems('raw uncooked unprepared dry dough unheated');

/** Words in a name saying the food was cooked or made up ready to eat. */
export const PREPARED_WORDS = stems(
  'cooked roasted roast broiled grilled baked boiled steamed heated toasted prepared simmered fried braised stewed microwaved ' +
    'poached scrambled diluted reconstituted rotisserie brewed popped',
);

/** Query words that ask for the uncooked or dry form. */
export const RAW_REQUEST_WORDS = stems('raw uncooked dry uncook unprepared');

/** Query words that say how the food was cooked (or that it was). */
export const COOKED_REQUEST_WORDS = stems(
  'cooked cook boiled baked bake roasted roast grilled grill broiled fried fry steamed poached scrambled toasted braised stewed ' +
    'sauteed microwaved barbecued bbq prepared heated smoked pan seared sear charred blackened mashed',
);

/**
 * Query words that say the food was cooked and still name something a food may have ("buttered corn":
 * cooked corn, with butter; "buttered popcorn": the butter-flavoured one): the word stays a food word.
 */
export const COOKED_FOOD_WORDS = stems('buttered');

/**
 * Food groups whose raw form must be cooked before it is eaten: a person naming one
 * without "raw" or "dry" means it ready to eat (rice cooked, chicken roasted).
 */
export const COOK_BEFORE_EATING_GROUPS: ReadonlySet<string> = new Set([
  'Beef Products', 'Pork Products', 'Poultry Products', 'Lamb, Veal, and Game Products', 'Finfish and Shellfish Products',
  'Cereal Grains and Pasta', 'Legumes and Legume Products', 'Sausages and Luncheon Meats', 'Breakfast Cereals',
  // Mostly game, fish and sea mammals eaten cooked (its raw berries and greens have no cooked form to lose to).
  'American Indian/Alaska Native Foods',
]);

/** Groups eaten raw by default: a person naming a fruit or vegetable means it fresh and raw. */
export const RAW_BY_DEFAULT_GROUPS = new Set(['Fruits and Fruit Juices', 'Vegetables and Vegetable Products', 'Nut and Seed Products']);

/** A food kept dried ("Spices, dill seed", "Figs, dried", "Milk, dry, powdered"): not what "fresh" asks for. */
export const DRIED_WORDS = stems('spices dried dehydrated powder powdered');

/** Shellfish of a cooked group mostly eaten raw ("a dozen oysters", on the half shell): raw by default, as fruit is. */
export const EATEN_RAW_SHELLFISH = stems('oyster oysters');

/**
 * Groups a person rarely means unless naming them, what choosing one unasked costs, and
 * the query words that name the group (then it costs nothing): baby food is never what an
 * adult logging a banana means; a fast-food hamburger often is what "hamburger" means.
 */
export const SPECIAL_GROUPS: ReadonlyMap<string, { cost: number; namedBy: ReadonlySet<string> }> = new Map([
  ['Baby Foods', { cost: 3, namedBy: stems('babyfood infant toddler junior strained') }],
  ['American Indian/Alaska Native Foods', { cost: 3, namedBy: stems('native alaska indian navajo hopi apache shoshone') }],
  ['Restaurant Foods', { cost: 1.2, namedBy: stems('restaurant') }],
  ['Fast Foods', { cost: 0.6, namedBy: stems('fast') }],
  ['Meals, Entrees, and Side Dishes', { cost: 0.6, namedBy: stems('entree entrees meal dinner') }],
]);

/** First segments that only file a food under a kind, like a category word ("Salad dressing, ranch dressing"). */
export const CATEGORY_SEGMENTS = new Set(['salad dressing']);

/**
 * Cuts and shapes: they say how a food was cut or served, and count when the food has
 * them, but a food need not ("celery sticks", "pineapple chunks", "salmon fillet").
 */
export const FORM_WORDS = stems(
  'stick sticks fillet fillets filet filets chunk chunks piece pieces slice slices strip strips cube cubes wedge wedges floret florets ' +
    'spear spears segment segments half halves portion portions rasher rashers clove cloves quarter quarters claw claws skewer skewers ' +
    'patty patties ball balls cocktail',
);

/** Cuts a parenthesis may name ("boston (steaks)", "center loin (chops)"): the cut, not the food. */
export const CUT_WORDS = stems('steak steaks chop chops roast roasts rib ribs cutlet cutlets fillet fillets loin');

/**
 * Cuts and parts an animal food is sold or served as ("tuna steak", "crab legs", "lobster
 * tail", "cod fillet"), and a fruit's seeds ("pomegranate seeds"): when the catalog has the
 * food but not the cut, it still has the food.
 */
export const PART_WORDS = stems('seeds steak steaks leg legs tail tails claw claws fillet fillets filet filets loin loins cutlet cutlets chop chops');

/** The part of a plant USDA names after the plant ("Ginger root", "Dill weed"): the plant's word before it names the food, not a qualifier. */
export const PLANT_PART_WORDS = stems('root roots weed');

/**
 * Dishes named by the word before them ("shepherd's pie", "sushi roll", "bubble tea"): when
 * the catalog lacks that word, it lacks the dish, and another pie or roll is no close match.
 */
export const DISH_NOUNS = stems('pie pies roll rolls tea syrup bowl bowls curry stew cake cakes pudding tart tarts bun buns taco tacos bar bars melt melts salad salads');

/**
 * Foods' names that the common English words (english.ts) lack, one letter or an ending
 * from another food's word ("macaron" and macaroni, "mochi" and mocha): words of their
 * own, never misspellings of it.
 */
export const DISTINCT_FOOD_WORDS = stems('macaron macarons mochi');

/**
 * Nouns of kind or part that follow the food's own name ("cashew nuts", "chia seeds",
 * "Turkey breast"): the word before them is still the food, not a qualifier of another.
 */
export const KIND_NOUNS = stems(
  'nuts nut seeds seed kernels kernel fruit fruits berries leaves beans breast breasts thigh thighs wing wings leg legs drumstick ' +
    'drumsticks loin tenderloin fillet fillets rib ribs shoulder belly noodle noodles pastry pastries',
);

/** What is added to a food as an ingredient of its recipe or a nutrient: "with salt", "with calcium propionate", "with added vitamin D". */
export const ADDITIVE_WORDS = stems(
  'salt vitamin vitamins calcium iron propionate prop ca water solution ascorbic acid sodium aspartame saccharin sucralose nutrients ' +
    'ara dha lutein fiber phosphorus potassium zinc magnesium nonfat solids caffeine sulfate chloride nigari equal volume oil',
);

/** Words that put a food in a drinks category but also make it another thing: "Alcoholic beverage, rice (sake)". */
export const ALCOHOL_WORDS = stems('alcoholic');

/** Query words that ask for an alcoholic drink: then "Alcoholic beverage" is only the category. */
export const ALCOHOL_REQUEST_WORDS = stems(
  'alcohol alcoholic beer lager ale stout wine wines sake liquor spirits vodka whiskey whisky rum gin tequila brandy cognac bourbon ' +
    'scotch champagne prosecco cider cocktail cocktails margarita martini daiquiri mojito sangria liqueur vermouth ' +
    // Drinks the catalog lacks, known as drinks so that a maker's name is no answer ("mead": MEAD JOHNSON formulas).
    'mead soju ouzo schnapps grappa sambuca absinthe',
);

/** Containers that say which form a food is in ("a can of tuna": canned tuna). */
export const CONTAINER_FORMS: ReadonlyMap<string, string> = new Map([
  ['can', 'canned'], ['cans', 'canned'], ['tin', 'canned'], ['tins', 'canned'], ['bottle', 'bottled'], ['bottles', 'bottled'],
  ['slice', 'sliced'], ['slices', 'sliced'],
]);

/** Units an assistant leaves in a query after an amount ("100 g oats", "2 tbsp peanut butter"). */
export const UNITS = plainSet(
  'g gr gram grams kg kilo kilos mg oz ounce ounces lb lbs ml l liter liters litre litres cl dl cup cups tbsp tbs tablespoon ' +
    'tablespoons tbl tsp teaspoon teaspoons slice slices piece pieces serving servings portion portions glass glasses bowl bowls can ' +
    'cans tin tins bottle bottles scoop scoops handful handfuls plate plates pound pounds stick sticks pinch pinches dash dashes fl ' +
    'floz pint pints mug mugs strip strips rasher rashers packet packets pack packs bag bags box boxes jar jars tub tubs pot pots ' +
    'carton cartons punnet punnets dollop dollops knob knobs pat pats wedge wedges sprig sprigs bunch bunches square squares cube cubes ' +
    'spoon spoons spoonful spoonfuls tablespoonful teaspoonful drizzle splash shot shots sachet sachets pouch pouches container ' +
    'containers helping helpings cupful cupfuls bar bars fillet fillets clove cloves head heads leaf leaves link links patty patties ' +
    'ear ears loaf loaves round rounds quart quarts gallon gallons x side sides order orders plateful plates bowlful glassful mugful ' +
    'bite bites sip sips tray trays stack stacks basket baskets sleeve sleeves slab slabs hunk hunks sprinkle drop drops squeeze dab smear sliver slivers',
);

/** Words that count rather than name ("two eggs", "a couple of", "half a"). */
export const COUNT_WORDS = plainSet(
  'a an one two three four five six seven eight nine ten eleven twelve dozen half quarter third some few couple several ' +
    'another extra each per single double triple bit lot lots',
);

/**
 * Containers a food is bought in: after the food ("oatmeal packet", "yogurt tub") they are
 * the package, not a word of the food.
 */
export const PACKAGE_WORDS = plainSet(
  'packet packets sachet sachets pouch pouches carton cartons punnet punnets tub tubs jar jars bag bags box boxes bottle bottles can cans tin tins container containers',
);

/**
 * Containers a food is served in that some foods are also named after ("a yogurt cup", but
 * "peanut butter cups"), and how it was served ("coleslaw side", "nuggets combo"; but "Side
 * Salad"): last, after the food, they qualify it (count when a food has them) rather than name it.
 */
export const SERVING_CONTAINERS = plainSet('cup cups pot pots sleeve sleeves side sides combo');

/**
 * Forms that shape a food into a product of its own ("fish sticks", "cheese balls"), unlike a cut of
 * it (a piece, slice, fillet): after a kind named alone, the kind stays what it says.
 */
export const SHAPED_FORMS = stems('stick sticks ball balls cocktail skewer skewers patty patties strip strips cube cubes spear spears');

/** Shapes of USDA's household portions that name how a food comes ("1 bar", "1 stick"): see profile.ts portionShapeWords. */
export const PORTION_SHAPES = plainSet('bar bars stick sticks square squares');

/** Sizes: they pick a portion, not a food ("a large egg", "medium banana"). */
export const SIZE_WORDS = stems('small medium large big little jumbo giant regular extra single double triple baby');

/**
 * Words that qualify a food without naming it: a food need not have them to be what
 * was asked ("fresh strawberries", "homemade", "leftover").
 */
export const OPTIONAL_WORDS = stems(
  'fresh homemade leftover leftovers organic plain simple hot cold warm chopped diced cubed natural regular normal typical deli drained rinsed ' +
    'standard usual ordinary classic my our lovely nice tasty healthy quick iced sliced shredded grated halved quartered ' +
    'easy big small medium large little jumbo giant crispy crisp crunchy crumbled crushed thin thick thinly thickly ' +
    'spicy mild tiny fun size sized party family sharing bite homestyle authentic artisan gourmet premium deluxe crusty fluffy yummy delicious ' +
    // When it was eaten: not a word of any food.
    'today tonight yesterday weekend weekday monday tuesday wednesday thursday friday saturday sunday thanksgiving christmas easter',
);

/** How hot a food is ("hot", "mild"), and the foods USDA sells hot or mild (sausages, peppers, salsa, mustard). */
export const HEAT_WORDS = stems('hot mild spicy');
export const HEAT_FOODS = stems('sausage sausages pepper peppers salsa mustard chorizo');

/**
 * Query words that say the food was fried ("fried green tomatoes", "fried okra"): frying adds fat and often
 * a coating, so a fruit or vegetable raw is no close match for it when the catalog lacks it fried.
 */
export const FRYING_WORDS = stems('fried fry frying battered breaded');

/** Joining words in a query. */
export const WITH_WORDS = plainSet('with w wth plus topped served alongside on from');
/** "tuna in water", "peaches in syrup": what follows qualifies the food before it. */
export const IN_WORDS = plainSet('in');
/** "for breakfast", "at lunch": the occasion, after the food has been named. */
export const OCCASION_WORDS = plainSet('for at');
export const WITHOUT_WORDS = plainSet('without wo no minus');
export const AND_WORDS = plainSet('and n &');

/**
 * A kind of food named alone, with no other food word ("a bowl of cereal", "a handful of nuts",
 * "cookies"), means its everyday one: what the kind's word is read as then.
 */
export const BARE_KIND_DEFAULTS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    cereal: 'cheerios',
    cooki: 'chocolate chip cookies',
    pi: 'apple pie',
    nut: 'mixed nuts',
    cheese: 'cheddar cheese',
    juice: 'orange juice',
    pretzel: 'hard pretzels',
    soup: 'chicken noodle soup',
    chocolate: 'milk chocolate',
    // A fish named by no species is the white fish most eaten, cod (sturgeon had the most portions).
    fish: 'cod',
    // Cream named alone is fluid cream for coffee or fruit, not sour cream.
    cream: 'fluid cream',
    // A mocha ordered alone is the coffee drink, not a mocha-flavoured soymilk.
    mocha: 'mocha coffee',
    // Berries named alone (or mixed: the catalog has no mix) are the berry most eaten, not a berry-flavoured cereal.
    berri: 'strawberries',
  }),
);

