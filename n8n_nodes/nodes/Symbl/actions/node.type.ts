/** The resources and their operations, as the router dispatches them. */
export type SymblType = {
	conversation: 'process' | 'append' | 'ask' | 'getInsights' | 'getAll';
	job: 'getStatus';
	tracker: 'createOrUpdate' | 'getAll';
	batch: 'process';
};

export type SymblResource = keyof SymblType;
