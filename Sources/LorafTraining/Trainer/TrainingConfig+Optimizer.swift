import Foundation

extension TrainingConfig {
    /// The optimiser `optimizer` names, with its hyper-parameters (its learning rate comes from the schedule).
    /// - Throws: ``OptimizerError`` for out-of-range hyper-parameters.
    func makeOptimizer() throws -> Optimizer {
        switch optimizer {
        case let .adamW(_, weightDecay, beta1, beta2, epsilon):
            return try AdamW(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        case let .sgd(_, momentum, weightDecay, nesterov):
            return try SGD(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        }
    }

    /// The learning rate per step: `schedule` over a run of `totalSteps`, peaking at the optimiser's rate.
    /// - Throws: the schedule's range errors (warmup longer than the run...).
    func makeSchedule(totalSteps: Int) throws -> LearningRateSchedule {
        let peak = optimizer.learningRate
        switch schedule {
        case .constant: return try ConstantSchedule(learningRate: peak)
        case let .linear(warmup): return try LinearWarmupDecaySchedule(peak: peak, warmup: warmup, totalSteps: totalSteps)
        case let .cosine(warmup): return try CosineWarmupSchedule(peak: peak, warmup: warmup, totalSteps: totalSteps)
        case let .custom(function): return CustomSchedule(function)
        case let .customOverRun(function): return CustomSchedule { try function($0, totalSteps, peak) }
        }
    }
}
