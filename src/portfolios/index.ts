import type { DataLayer } from '../data/data-layer';
import type { PortfolioRecord } from '../data/portfolios/portfolio-repository';
import type { Actor } from '../shared/actor';
import { archivePortfolio } from './archive-portfolio';
import { createPortfolio, type CreatePortfolioInput } from './create-portfolio';
import { updatePortfolio, type UpdatePortfolioInput } from './update-portfolio';

export { createPortfolio, ROOT_COMMIT_MESSAGE, type CreatePortfolioInput } from './create-portfolio';
export { updatePortfolio, type UpdatePortfolioInput } from './update-portfolio';
export { archivePortfolio } from './archive-portfolio';
export { newPortfolioId } from './portfolio-id';
export { MAX_NAME_LENGTH, MAX_DESCRIPTION_LENGTH } from './portfolio-input';

/** The portfolio lifecycle as the API uses it: `services.portfolioLifecycle`. Every change is audited with it. */
export interface PortfolioLifecycle {
  create(actor: Actor, input: CreatePortfolioInput): Promise<PortfolioRecord>;
  update(actor: Actor, id: string, input: UpdatePortfolioInput): Promise<PortfolioRecord>;
  archive(actor: Actor, id: string): Promise<PortfolioRecord>;
}

/** The lifecycle's use-cases on the data layer. */
export function createPortfolioLifecycle(data: DataLayer): PortfolioLifecycle {
  return {
    create: (actor, input) => createPortfolio(data, actor, input),
    update: (actor, id, input) => updatePortfolio(data, actor, id, input),
    archive: (actor, id) => archivePortfolio(data, actor, id),
  };
}
